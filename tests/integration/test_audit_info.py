"""posit.connect.connect_audit_info against the stand-in: real ansible-playbook runs.

The same playbook runs against a new Connect (GET /v1/search/auditlogs) and an
old one (GET /v1/audit_logs, filtered by the module); both must return the
entries the stand-in's state says they should.
"""

import json
import os
import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ansible_collections.posit.connect.plugins.module_utils.api.client import ConnectClient
from connect_standin import StandIn
from playbook_runs import localhost_play

OLD_VERSION = "2024.06.0"


@pytest.fixture(scope="module")
def old(standin):
    """The same demo organisation, with the same clock, on a Connect without the search API."""
    server = StandIn(version=OLD_VERSION, seed_options={"now": standin.state.now}).start()
    yield server
    server.stop()


def rfc3339(ts, offset_hours=0):
    zone = timezone(timedelta(hours=offset_hours))
    return datetime.fromtimestamp(ts, zone).isoformat()


def ids(entries):
    return [e["id"] for e in entries]


def select(state, keep, order="desc", limit=None):
    found = [str(e["id"]) for e in state.audit_logs if keep(e)]
    if order == "desc":
        found.reverse()
    return found[:limit] if limit else found


def is_probe(request):
    """The one request per run that finds out whether the server has GET /v1/search/auditlogs."""
    return request["path"] == "/__api__/v1/search/auditlogs" and request["query"] == {"page_size": "1"}


def audit_requests(server):
    """The audit requests of the queries themselves (not the search probe)."""
    return [r for r in server.requests if "audit" in r["path"] and not is_probe(r)]


FILTERS_PLAY = localhost_play("""
    - name: deployments
      posit.connect.connect_audit_info:
        action: [deploy_application]
    - name: by username
      posit.connect.connect_audit_info:
        user: svc-deploy
    - name: by guid
      posit.connect.connect_audit_info:
        user: "{{ svc_guid }}"
    - name: relative window
      posit.connect.connect_audit_info:
        since: -7d
    - name: absolute window
      posit.connect.connect_audit_info:
        since: "{{ since }}"
        until: "{{ until }}"
    - name: search terms
      posit.connect.connect_audit_info:
        search: SALES dashboard
    - name: oldest five
      posit.connect.connect_audit_info:
        order: asc
        limit: 5
    - name: everything combined
      posit.connect.connect_audit_info:
        action: [deploy_application, edit_application]
        user: dave
        since: "{{ since }}"
        until: "{{ until }}"
        search: sales
        order: asc
      check_mode: true
""")


def test_filters_on_search_and_fallback(standin, old, playbook):
    state = standin.state
    svc = state.user_by_username("svc-deploy")["guid"]
    dave = state.user_by_username("dave")["guid"]
    times = sorted(e["time"] for e in state.audit_logs)
    low, high = times[800], times[2000]
    extra = {"svc_guid": svc, "since": rfc3339(low, -5), "until": rfc3339(high)}

    runs = {}
    for server in (standin, old):
        server.clear_log()
        before = time.time()
        runs[server.version] = playbook(FILTERS_PLAY, server=server, extra_vars=extra).ok()
        after = time.time()

        run = runs[server.version]
        for name in ("deployments", "by username", "by guid", "relative window", "absolute window",
                     "search terms", "oldest five", "everything combined"):
            result = run[name]
            assert result["changed"] is False
            assert result["source"] == ("search" if server is standin else "audit_logs")
            assert result["count"] == len(result["audit_logs"])
        assert ids(run["deployments"]["audit_logs"]) == select(state, lambda e: e["action"] == "deploy_application")
        by_svc = select(state, lambda e: e["user_guid"] == svc)
        assert ids(run["by username"]["audit_logs"]) == by_svc and len(by_svc) > 100
        assert ids(run["by guid"]["audit_logs"]) == by_svc
        # -7d was computed when the task ran, between `before` and `after`
        relative = set(ids(run["relative window"]["audit_logs"]))
        assert set(select(state, lambda e: e["time"] >= after - 7 * 86400)) <= relative
        assert relative <= set(select(state, lambda e: e["time"] >= before - 7 * 86400 - 1))
        window = select(state, lambda e: low <= e["time"] <= high)
        assert ids(run["absolute window"]["audit_logs"]) == window
        assert window[0] == str(max(e["id"] for e in state.audit_logs if e["time"] == high))  # inclusive
        assert window[-1] == str(min(e["id"] for e in state.audit_logs if e["time"] == low))
        searched = select(state, lambda e: all(
            t in (e["user_description"] + " " + e["action"] + " " + e["event_description"]).lower()
            for t in ("sales", "dashboard")))
        assert ids(run["search terms"]["audit_logs"]) == searched and searched
        assert ids(run["oldest five"]["audit_logs"]) == [str(e["id"]) for e in state.audit_logs[:5]]
        combined = select(state, lambda e: e["action"] in ("deploy_application", "edit_application")
                          and e["user_guid"] == dave and low <= e["time"] <= high
                          and "sales" in e["event_description"].lower(), order="asc")
        assert ids(run["everything combined"]["audit_logs"]) == combined and combined
        assert server.writes() == []

    new_run, old_run = runs[standin.version], runs[OLD_VERSION]
    for name in ("deployments", "by username", "absolute window", "search terms", "oldest five", "everything combined"):
        assert new_run[name]["audit_logs"] == old_run[name]["audit_logs"], name
    # The old server was only probed for the search endpoint (a 404), once per task.
    probes = [r for r in old.requests if "search" in r["path"]]
    assert probes and all(is_probe(r) and r["status"] == 404 for r in probes)


REQUESTS_PLAY = localhost_play("""
    - name: last week
      posit.connect.connect_audit_info:
        since: -7d
    - name: newest three
      posit.connect.connect_audit_info:
        limit: 3
""")


def test_no_page_beyond_the_window_or_the_limit(standin, old, playbook):
    for server in (standin, old):
        server.clear_log()
        run = playbook(REQUESTS_PLAY, server=server).ok()
        assert len(run["newest three"]["audit_logs"]) == 3
        assert 0 < run["last week"]["count"] < 500
        calls = audit_requests(server)
        assert [r["status"] for r in server.requests if is_probe(r)] == [404 if server is old else 200] * 2
        if server is old:
            # 3,000 entries are 6 pages of 500; the week fits in the first.
            assert [(c["path"], c["query"]["limit"], c["query"]["ascOrder"]) for c in calls] == [
                ("/__api__/v1/audit_logs", "500", "false"), ("/__api__/v1/audit_logs", "3", "false")]
        else:
            assert [(c["path"], c["query"]["page_size"], c["query"]["order"]) for c in calls] == [
                ("/__api__/v1/search/auditlogs", "500", "desc"), ("/__api__/v1/search/auditlogs", "3", "desc")]
            assert calls[0]["query"]["q"].startswith("from:")


DEST_PLAY = localhost_play("""
    - name: export in check mode
      posit.connect.connect_audit_info: &export
        since: "{{ since }}"
        until: "{{ until }}"
        order: asc
        dest: "{{ dest }}"
      check_mode: true
    - name: file after check mode
      ansible.builtin.stat:
        path: "{{ dest }}"
    - name: export
      posit.connect.connect_audit_info: *export
    - name: export again
      posit.connect.connect_audit_info: *export
    - name: export again in check mode
      posit.connect.connect_audit_info: *export
      check_mode: true
    - name: same entries returned
      posit.connect.connect_audit_info:
        since: "{{ since }}"
        until: "{{ until }}"
        order: asc
""")


def test_dest_writes_json_lines(standin, playbook, tmp_path):
    times = sorted(e["time"] for e in standin.state.audit_logs)
    out = tmp_path / "export"
    out.mkdir()
    dest = out / "audit.jsonl"
    run = playbook(DEST_PLAY, extra_vars={"since": rfc3339(times[100]), "until": rfc3339(times[1400]),
                                          "dest": str(dest)}).ok()
    entries = run["same entries returned"]["audit_logs"]
    assert len(entries) >= 1301

    check = run["export in check mode"]
    assert check["changed"] is True and check["count"] == len(entries) and "audit_logs" not in check
    assert run["file after check mode"]["stat"]["exists"] is False

    first = run["export"]
    assert first["changed"] is True
    assert first["dest"] == str(dest) and first["count"] == len(entries) and first["source"] == "search"
    assert "audit_logs" not in first
    assert first["checksum"] == check["checksum"]
    assert [json.loads(line) for line in dest.read_text().splitlines()] == entries
    assert os.listdir(str(out)) == ["audit.jsonl"]  # the temporary file was renamed

    assert run["export again"]["changed"] is False
    assert run["export again in check mode"]["changed"] is False
    assert standin.writes() == []


BAD_PLAY = localhost_play("""
    - name: bad time
      posit.connect.connect_audit_info:
        since: yesterday
      ignore_errors: true
    - name: since after until
      posit.connect.connect_audit_info:
        since: -1d
        until: -2d
      ignore_errors: true
    - name: unknown user
      posit.connect.connect_audit_info:
        user: nobody-here
      ignore_errors: true
    - name: bad order
      posit.connect.connect_audit_info:
        order: newest
      ignore_errors: true
    - name: zero limit
      posit.connect.connect_audit_info:
        limit: 0
      ignore_errors: true
    - name: filter syntax in search
      posit.connect.connect_audit_info:
        search: "action:add_user"
      ignore_errors: true
    - name: dest in a missing directory
      posit.connect.connect_audit_info:
        dest: /nonexistent-dir/audit.jsonl
      ignore_errors: true
    - name: actions with a filter
      posit.connect.connect_audit_info:
        list_actions: true
        action: [add_user]
      ignore_errors: true
""")


def test_bad_input_fails_before_reading_audit_logs(standin, playbook):
    run = playbook(BAD_PLAY)
    expected = {
        "bad time": ["Option 'since'", "'yesterday'", "RFC3339", "-7d"],
        "since after until": ["since is after until"],
        "unknown user": ["Option 'user'", "nobody-here"],
        "bad order": ["order", "desc, asc", "newest"],
        "zero limit": ["Option 'limit'", "1 or more"],
        "filter syntax in search": ["Option 'search'", "action:add_user"],
        "dest in a missing directory": ["Option 'dest'", "/nonexistent-dir", "does not exist"],
        "actions with a filter": ["Option 'list_actions'", "'action'"],
    }
    for name, parts in expected.items():
        result = run[name]
        assert result["_status"] == "failed", name
        for part in parts:
            assert part in result["msg"], (name, part, result["msg"])
    assert audit_requests(standin) == []
    # only the user lookup reached the server
    assert {r["path"] for r in standin.requests} == {"/__api__/v1/users"}


PERMISSION_PLAY = localhost_play("""
    - name: audit logs
      posit.connect.connect_audit_info:
      ignore_errors: true
    - name: actions
      posit.connect.connect_audit_info:
        list_actions: true
      ignore_errors: true
""")


def test_actions_and_the_administrator_requirement(standin, playbook):
    admin = playbook(PERMISSION_PLAY).ok()
    actions = admin["actions"]["actions"]
    assert {"action", "description"} <= set(actions[0])
    assert {"deploy_application", "add_user", "user_login"} <= {a["action"] for a in actions}
    assert "audit_logs" not in admin["actions"]

    publisher = playbook(PERMISSION_PLAY, api_key=standin.keys["publisher"])
    for name in ("audit logs", "actions"):
        result = publisher[name]
        assert result["_status"] == "failed"
        assert "requires an administrator's API key" in result["msg"]
        assert result["error"]["status"] == 403
        assert standin.keys["publisher"] not in publisher.stdout


ACTION_PLAY = localhost_play("""
    - name: typo
      posit.connect.connect_audit_info:
        action: [deploy_applications]
      ignore_errors: true
    - name: several, one unknown
      posit.connect.connect_audit_info:
        action: [add_user, Remove_Application_Permision]
        dest: "{{ dest }}"
      ignore_errors: true
    - name: known, any case
      posit.connect.connect_audit_info:
        action: [DEPLOY_APPLICATION]
        limit: 1
""")


def test_an_unknown_action_fails_before_the_query_naming_the_closest_known_ones(standin, playbook, tmp_path):
    run = playbook(ACTION_PLAY, extra_vars={"dest": str(tmp_path / "out.jsonl")})
    typo = run["typo"]
    assert typo["_status"] == "failed" and typo["error"]["option"] == "action"  # found before any query
    assert typo["msg"].startswith("Option 'action': this server has no audit action 'deploy_applications' "
                                  "(did you mean deploy_application or ")
    assert "list_actions: true" in typo["msg"]
    several = run["several, one unknown"]
    assert several["_status"] == "failed"
    assert "'Remove_Application_Permision' (did you mean remove_application_permission" in several["msg"]
    assert "add_user" not in several["msg"] and not (tmp_path / "out.jsonl").exists()
    assert run["known, any case"]["count"] == 1
    # The two failing tasks read the action list and nothing else.
    assert [r["path"] for r in standin.requests][:2] == ["/__api__/v1/audit/actions"] * 2


def test_the_action_names_in_the_docs_and_examples_are_the_servers(standin):
    """docs/audit-export.md and the module's EXAMPLES filter on actions that Connect (the stand-in) knows."""
    root = Path(__file__).resolve().parents[2]
    known = {item["action"] for item in ConnectClient(standin.url, standin.keys["admin"]).get("v1/audit/actions")}
    texts = [(root / "docs" / "audit-export.md").read_text(),
             (root / "plugins" / "modules" / "connect_audit_info.py").read_text(),
             (root / "roles" / "audit_export" / "README.md").read_text()]
    named = set()
    for text in texts:
        for listed in re.findall(r"action(?:s)?: \[([^\]]*)\]", text):
            named.update(a.strip() for a in listed.split(",") if a.strip())
    assert named and named <= known, named - known


def test_a_date_without_a_time_is_midnight_utc(standin, playbook):
    day = datetime.fromtimestamp(standin.state.now, timezone.utc).date() - timedelta(days=3)
    run = playbook(tasks="""
        - name: since a date
          posit.connect.connect_audit_info:
            since: "%s"
            order: asc
    """ % day.isoformat()).ok()
    midnight = datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()
    assert ids(run["since a date"]["audit_logs"]) == select(standin.state, lambda e: e["time"] >= midnight, "asc")


def test_an_old_version_that_serves_search_gets_the_search_path(playbook):
    """Probed, not decided by the version: a server reporting 2024.10 that has the search endpoint uses it."""
    server = StandIn(version="2024.10.0", search_since=(2024, 1, 0)).start()
    try:
        run = playbook(tasks="""
            - name: deployments
              posit.connect.connect_audit_info:
                action: [deploy_application]
        """, server=server).ok()
        assert run["deployments"]["source"] == "search" and run["deployments"]["count"] > 0
        assert "/__api__/v1/audit_logs" not in [r["path"] for r in server.requests]
        assert [r["status"] for r in server.requests if is_probe(r)] == [200]
    finally:
        server.stop()
