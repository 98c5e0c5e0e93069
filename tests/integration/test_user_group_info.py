"""posit.connect.connect_user_info and connect_group_info against the stand-in: real ansible-playbook runs.

Each test asserts the modules' results and the stand-in's request log.
"""

import pytest

from connect_standin import StandIn
from playbook_runs import localhost_play


def user_guid(server, username):
    return server.state.user_by_username(username)["guid"]


def group_guid(server, name):
    return next(g["guid"] for g in server.state.groups.values() if g["name"] == name)


def names(users):
    return sorted(u["username"] for u in users)


def gets(server, path):
    return [e for e in server.requests if e["method"] == "GET" and e["path"] == path]


USERS_PLAY = localhost_play("""
    - name: all users
      posit.connect.connect_user_info:
    - name: by username
      posit.connect.connect_user_info:
        username: alice
    - name: unknown username
      posit.connect.connect_user_info:
        username: nobody-here
    - name: username is exact
      posit.connect.connect_user_info:
        username: ali
    - name: by guid
      posit.connect.connect_user_info:
        guid: %(alice)s
    - name: unknown guid
      posit.connect.connect_user_info:
        guid: 00000000-0000-4000-8000-000000000000
    - name: by prefix
      posit.connect.connect_user_info:
        prefix: Wen
    - name: viewers
      posit.connect.connect_user_info:
        role: viewer
    - name: administrators and publishers
      posit.connect.connect_user_info:
        role: [administrator, publisher]
    - name: locked or inactive
      posit.connect.connect_user_info:
        account_status: [locked, inactive]
    - name: licensed viewers
      posit.connect.connect_user_info:
        role: [viewer]
        account_status: [licensed]
    - name: username with a role filter that excludes it
      posit.connect.connect_user_info:
        username: alice
        role: viewer
    - name: bad guid
      posit.connect.connect_user_info:
        guid: alice
      ignore_errors: true
    - name: username and prefix together
      posit.connect.connect_user_info:
        username: alice
        prefix: al
      ignore_errors: true
    - name: bad role
      posit.connect.connect_user_info:
        role: superuser
      ignore_errors: true
    - name: check mode
      posit.connect.connect_user_info:
        role: viewer
      check_mode: true
""")


def test_user_info_every_option(standin, playbook):
    run = playbook(USERS_PLAY % dict(alice=user_guid(standin, "alice"))).ok()

    everyone = run["all users"]
    assert everyone["changed"] is False
    assert names(everyone["users"]) == sorted(u["username"] for u in standin.state.users.values())
    assert len(everyone["users"]) == 12
    alice = run["by username"]["users"]
    assert [u["username"] for u in alice] == ["alice"]
    assert alice[0]["guid"] == user_guid(standin, "alice") and alice[0]["user_role"] == "publisher"
    assert run["unknown username"]["users"] == []
    assert run["username is exact"]["users"] == []
    assert run["by guid"]["users"] == alice
    assert run["unknown guid"]["users"] == []
    assert names(run["by prefix"]["users"]) == ["wendy"]
    assert names(run["viewers"]["users"]) == ["frank", "mallory", "victor", "wendy"]
    assert names(run["administrators and publishers"]["users"]) == [
        "admin", "alice", "bob", "carol", "dave", "erin", "grace", "svc-deploy"]
    assert names(run["locked or inactive"]["users"]) == ["frank", "mallory"]
    assert names(run["licensed viewers"]["users"]) == ["victor", "wendy"]
    assert run["username with a role filter that excludes it"]["users"] == []

    bad = run["bad guid"]
    assert bad["_status"] == "failed" and "'guid'" in bad["msg"] and "'username'" in bad["msg"]
    both = run["username and prefix together"]
    assert both["_status"] == "failed" and "mutually exclusive" in both["msg"]
    assert run["bad role"]["_status"] == "failed" and "role" in run["bad role"]["msg"]
    assert run["check mode"]["changed"] is False and run["check mode"]["users"] == run["viewers"]["users"]

    # Filters go to the server ('|' is Connect's OR), small searches take one request.
    queries = [e["query"] for e in gets(standin, "/__api__/v1/users")]
    assert {"user_role": "administrator|publisher", "page_size": "500", "page_number": "1"} in queries
    assert any(q.get("account_status") == "locked|inactive" for q in queries)
    assert all(q.get("page_number") == "1" for q in queries)  # every answer fit one page
    assert standin.writes() == []


GROUPS_PLAY = localhost_play("""
    - name: all groups
      posit.connect.connect_group_info:
    - name: by name with members
      posit.connect.connect_group_info:
        name: Finance
        members: true
    - name: name is exact
      posit.connect.connect_group_info:
        name: Fin
    - name: by guid
      posit.connect.connect_group_info:
        guid: %(leadership)s
    - name: unknown guid
      posit.connect.connect_group_info:
        guid: 00000000-0000-4000-8000-000000000000
    - name: by prefix
      posit.connect.connect_group_info:
        prefix: data
    - name: every group with members
      posit.connect.connect_group_info:
        members: true
    - name: bad guid
      posit.connect.connect_group_info:
        guid: Finance
      ignore_errors: true
    - name: name and prefix together
      posit.connect.connect_group_info:
        name: Finance
        prefix: Fin
      ignore_errors: true
    - name: check mode
      posit.connect.connect_group_info:
        name: Finance
        members: true
      check_mode: true
""")


def test_group_info_every_option(standin, playbook):
    run = playbook(GROUPS_PLAY % dict(leadership=group_guid(standin, "Leadership"))).ok()

    groups = run["all groups"]["groups"]
    assert run["all groups"]["changed"] is False
    assert [g["name"] for g in groups] == ["Data Science", "Finance", "Leadership", "Platform Team"]
    assert all("members" not in g for g in groups)
    finance = run["by name with members"]["groups"]
    assert [g["name"] for g in finance] == ["Finance"]
    assert finance[0]["guid"] == group_guid(standin, "Finance") and finance[0]["member_count"] == 3
    assert names(finance[0]["members"]) == ["erin", "victor", "wendy"]
    assert run["name is exact"]["groups"] == []
    assert [g["name"] for g in run["by guid"]["groups"]] == ["Leadership"]
    assert run["unknown guid"]["groups"] == []
    assert [g["name"] for g in run["by prefix"]["groups"]] == ["Data Science"]
    members = {g["name"]: names(g["members"]) for g in run["every group with members"]["groups"]}
    assert members == {"Data Science": ["alice", "bob", "carol", "dave"], "Finance": ["erin", "victor", "wendy"],
                       "Leadership": ["frank", "grace", "victor"], "Platform Team": ["admin", "grace", "svc-deploy"]}
    assert run["bad guid"]["_status"] == "failed" and "'guid'" in run["bad guid"]["msg"]
    assert "mutually exclusive" in run["name and prefix together"]["msg"]
    assert run["check mode"]["changed"] is False and run["check mode"]["groups"] == finance

    # Each group's members were read once per task that asked for them, every page at 500.
    member_calls = [e for e in standin.requests if e["path"].endswith("/members")]
    assert len(member_calls) == 1 + 4 + 1
    assert all(e["query"]["page_size"] == "500" for e in member_calls)
    assert standin.writes() == []


@pytest.fixture(scope="module")
def crowd():
    """A server with 520 extra users 'load-NNNN' (names First NNNN / Crowd) and 4 demo viewers."""
    server = StandIn(seed="demo")
    for n in range(520):
        server.add_user("load-%04d" % n, role="viewer" if n % 2 else "publisher",
                        first_name="First%04d" % n, last_name="Crowd", active=server.state.now)
    server.start()
    yield server
    server.stop()


def test_user_paging_past_500(crowd, playbook):
    crowd.clear_log()
    run = playbook(tasks="""
        - name: all users
          posit.connect.connect_user_info:
        - name: prefix with more than one page of matches
          posit.connect.connect_user_info:
            prefix: load-
        - name: prefix matching names, not usernames
          posit.connect.connect_user_info:
            prefix: crowd
        - name: viewers
          posit.connect.connect_user_info:
            role: viewer
        - name: a username among many
          posit.connect.connect_user_info:
            username: load-0519
        - name: a short prefix search
          posit.connect.connect_user_info:
            prefix: load-051
    """, server=crowd, api_key=crowd.keys["admin"]).ok()

    everyone = run["all users"]["users"]
    assert len(everyone) == 532 and len({u["guid"] for u in everyone}) == 532
    loaded = run["prefix with more than one page of matches"]["users"]
    assert names(loaded) == ["load-%04d" % n for n in range(520)]
    assert len({u["guid"] for u in loaded}) == 520
    assert names(run["prefix matching names, not usernames"]["users"]) == names(loaded)
    viewers = run["viewers"]["users"]
    assert len(viewers) == 260 + 4 and all(u["user_role"] == "viewer" for u in viewers)
    assert [u["username"] for u in run["a username among many"]["users"]] == ["load-0519"]
    assert names(run["a short prefix search"]["users"]) == ["load-%04d" % n for n in range(510, 520)]

    queries = [e["query"] for e in gets(crowd, "/__api__/v1/users")]
    # Full listing: two pages of 500. Prefix searches never ask for page 2 (Connect would not give it);
    # a full first page is completed from the unfiltered listing.
    assert all(q.get("page_number") == "1" for q in queries if "prefix" in q)
    assert sum(1 for q in queries if "prefix" not in q and "user_role" not in q and q["page_number"] == "2") == 3
    assert {"user_role": "viewer", "page_size": "500", "page_number": "1"} in queries
    assert not any(q.get("user_role") == "viewer" and q["page_number"] == "2" for q in queries)  # 264 fit one page
    assert len(queries) == 2 + 3 + 3 + 1 + 1 + 1
    assert crowd.writes() == []


def _teams_server(version):
    server = StandIn(version=version, seed="demo")
    admin = server.state.user_by_username("admin")["guid"]
    with server.state.lock:
        for n in range(520):
            server.state.add_group("team-%04d" % n, admin)
    return server.start()


@pytest.mark.parametrize("version", ["2024.06.0", "2025.09.0"])
def test_group_prefix_paging_old_and_new_servers(playbook, version):
    server = _teams_server(version)
    try:
        run = playbook(tasks="""
            - name: prefix with more than one page of matches
              posit.connect.connect_group_info:
                prefix: team-
              timeout: 60
            - name: a name past the first page
              posit.connect.connect_group_info:
                name: team-0519
            - name: all groups
              posit.connect.connect_group_info:
        """, server=server, api_key=server.keys["admin"]).ok()
        teams = run["prefix with more than one page of matches"]["groups"]
        assert len(teams) == 520, "repeated or missing groups"
        assert sorted(g["name"] for g in teams) == ["team-%04d" % n for n in range(520)]
        assert len({g["guid"] for g in teams}) == 520
        assert [g["name"] for g in run["a name past the first page"]["groups"]] == ["team-0519"]
        assert len(run["all groups"]["groups"]) == 524

        queries = [e["query"] for e in gets(server, "/__api__/v1/groups")]
        with_prefix = [q for q in queries if "prefix" in q]
        if version < "2025.04.0":
            # The old server ignores page_number on prefix searches: ask for page 1 only, then list all groups.
            assert all(q["page_number"] == "1" for q in with_prefix)
            assert len(with_prefix) == 2
        else:
            assert sorted(q["page_number"] for q in with_prefix if q["prefix"] == "team-") == ["1", "2"]
        assert len(queries) <= 8
        assert server.writes() == []
    finally:
        server.stop()
