"""connect_user_info's locked and inactive_since filters and connect_server_info's active_users, against
the stand-in (real ansible-playbook runs)."""

import time

from connect_standin import StandIn
from playbook_runs import localhost_play

PLAY = localhost_play("""
    - name: locked
      posit.connect.connect_user_info:
        locked: true
    - name: unlocked viewers
      posit.connect.connect_user_info:
        locked: false
        role: viewer
    - name: inactive for a year
      posit.connect.connect_user_info:
        inactive_since: -365d
    - name: inactive since a time
      posit.connect.connect_user_info:
        inactive_since: "%s"
        locked: false
    - name: bad time
      posit.connect.connect_user_info:
        inactive_since: last tuesday
      ignore_errors: true
""")


def names(result):
    return sorted(u["username"] for u in result["users"])


def test_locked_and_inactive_since(standin, playbook):
    standin.state.add_user("newbie", "viewer", active=None)  # never signed in
    cutoff = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 100 * 86400))
    run = playbook(PLAY % cutoff).ok()
    users = list(standin.state.users.values())
    assert names(run["locked"]) == ["mallory"]
    assert names(run["unlocked viewers"]) == sorted(u["username"] for u in users
                                                    if u["user_role"] == "viewer" and not u["locked"])
    assert "frank" in names(run["inactive for a year"]) and "newbie" in names(run["inactive for a year"])
    assert "alice" not in names(run["inactive for a year"])
    expected = sorted(u["username"] for u in users if not u["locked"] and (
        u["active_time"] is None or u["active_time"] < cutoff))
    assert names(run["inactive since a time"]) == expected and "newbie" in expected
    assert "Option 'inactive_since': 'last tuesday' is not a time" in run["bad time"]["msg"]
    listings = [e for e in standin.requests if e["path"] == "/__api__/v1/users"]
    assert len(listings) == 4  # one listing per task: the filters add no request


SERVER = localhost_play("""
    - name: info
      posit.connect.connect_server_info:
""")


def test_active_users(standin, playbook):
    run = playbook(SERVER).ok()
    active = run["info"]["server"]["active_users"]
    assert set(active) == {"1d", "7d", "30d", "365d"}
    licensed = [u for u in standin.state.users.values() if standin.state.account_status(u) == "licensed"]
    assert active["365d"]["total"] == len(licensed)
    assert active["365d"]["publisher"] == sum(1 for u in licensed if u["user_role"] == "publisher")

    run = playbook(SERVER, api_key=standin.keys["publisher"]).ok()
    assert run["info"]["server"]["active_users"] is None
    assert any("needs an administrator's API key" in w for w in run["info"]["warnings"])
    assert not any(e["path"].endswith("/metrics/users/active") for e in standin.requests if e["user"] == "alice")

    with StandIn(version="2024.06.0") as old:  # no metrics endpoint: nothing, and no failure
        run = playbook(SERVER, server=old).ok()
        assert run["info"]["server"]["active_users"] is None
        assert [e["status"] for e in old.requests if e["path"].endswith("/metrics/users/active")] == [404]
