"""Reliability matrix, faults: a 500-item ownership handoff under 429/503 and dropped connections, a create whose
response is lost, a hung server, and servers that are not (or not quite) the Connect API. Each row runs real
ansible-playbook against the stand-in and asserts on the results and the stand-in's request log."""

import time

import pytest

from playbook_runs import role_play
from connect_standin import StandIn

HANDOFF = role_play("ownership_handoff", "connect_handoff")
MOVE = dict(connect_handoff_from="dave", connect_handoff_to="alice")


@pytest.fixture(scope="module")
def big():
    server = StandIn(seed="bench", seed_options=dict(content=500, audit=10, usage=0, owner="dave")).start()
    yield server
    server.stop()


@pytest.fixture
def fresh(big):
    big.reset(seed="bench", seed_options=dict(content=500, audit=10, usage=0, owner="dave"))
    return big


def owned(server, username):
    guid = server.state.user_by_username(username)["guid"]
    return sum(1 for c in server.state.content.values() if c["owner_guid"] == guid)


def test_429_with_retry_after_and_503_during_a_500_item_handoff(fresh, playbook):
    fresh.set_faults([{"kind": "429", "every": 23, "count": 8, "retry_after": 1, "method": "PATCH"},
                      {"kind": "503", "every": 31, "count": 10}])
    run = playbook(HANDOFF, server=fresh, extra_vars=MOVE).ok()
    fact = run["fact"]["connect_handoff"]
    assert (fact["matched"], fact["changed"], fact["failed"]) == (500, 500, [])
    assert owned(fresh, "dave") == 0 and owned(fresh, "alice") == 500
    log = fresh.requests
    assert [e["status"] for e in log].count(429) == 8 and [e["status"] for e in log].count(503) == 10
    # Each 429 answer was followed by the same request only after its Retry-After (1 s).
    for index, entry in enumerate(log):
        if entry["status"] == 429:
            retry = next(e for e in log[index + 1:] if (e["method"], e["path"]) == (entry["method"], entry["path"]))
            assert retry["time"] - entry["time"] >= 0.95


def test_dropped_connections_during_the_handoff_are_retried(fresh, playbook):
    fresh.set_faults([{"kind": "drop", "every": 17, "count": 12, "method": "PATCH"},
                      {"kind": "drop", "every": 1, "count": 1, "method": "GET", "path": "/v1/content$"}])
    run = playbook(HANDOFF, server=fresh, extra_vars=MOVE).ok()
    fact = run["fact"]["connect_handoff"]
    assert (fact["changed"], fact["failed"]) == (500, [])
    assert owned(fresh, "alice") == 500
    assert sum(1 for e in fresh.requests if e.get("fault") == "drop") == 13


def test_a_create_whose_response_is_lost_is_not_repeated(fresh, playbook):
    fresh.set_faults([{"kind": "drop", "method": "POST", "after_write": True, "every": 2, "count": 2}])
    run = playbook(tasks="""
        - name: create
          posit.connect.connect_content:
            items:
              - {name: new-app-1, title: New 1}
              - {name: new-app-2, title: New 2}
              - {name: new-app-3, title: New 3}
              - {name: new-app-4, title: New 4}
    """, server=fresh).ok()
    names = [c["name"] for c in fresh.state.content.values() if c["name"].startswith("new-app-")]
    assert sorted(names) == ["new-app-1", "new-app-2", "new-app-3", "new-app-4"]  # no duplicates
    posts = [e for e in fresh.requests if e["method"] == "POST"]
    assert len(posts) == 4  # a POST that reached the server is never sent twice
    assert run["create"]["changed_count"] == 4
    assert sum("response to creating content" in w for w in run["create"]["warnings"]) == 2


def test_a_hung_server_fails_after_timeout(standin, playbook):
    standin.set_faults([{"kind": "hang", "seconds": 30}])
    started = time.monotonic()
    run = playbook(tasks="""
        - name: info
          posit.connect.connect_content_info:
            timeout: 2
    """)
    assert run.rc != 0 and time.monotonic() - started < 15
    msg = run["info"]["msg"]
    assert "GET /__api__/v1/content timed out after 2s (option 'timeout')" in msg and "\n" not in msg


CASES = {
    "html": ("expected JSON from the Connect API but got text/html", "'server'"),
    "malformed": ("Connect answered HTTP 200 with malformed JSON", "GET /__api__/server_settings"),
}


@pytest.mark.parametrize("fault", sorted(CASES))
def test_a_proxy_page_or_broken_json_is_one_clear_line(standin, playbook, fault):
    standin.set_faults([{"kind": fault}])
    run = playbook(tasks="""
        - name: info
          posit.connect.connect_server_info:
    """)
    msg = run["info"]["msg"]
    assert run.rc != 0 and "\n" not in msg
    for part in CASES[fault]:
        assert part in msg


@pytest.fixture(scope="module")
def behind_prefix():
    server = StandIn(prefix="/rsc").start()
    yield server
    server.stop()


def test_wrong_url_404_api_root_bad_key_and_publisher_key(standin, behind_prefix, playbook):
    root = standin.url
    run = playbook(tasks="""
        - name: web page
          posit.connect.connect_server_info:
            server: "%(root)s/connect/#/apps"
          ignore_errors: true
        - name: not connect
          posit.connect.connect_server_info:
            server: "http://127.0.0.1:9/"
            retries: 0
          ignore_errors: true
        - name: prefix missing
          posit.connect.connect_server_info:
            server: "%(no_prefix)s"
          ignore_errors: true
        - name: bad key
          posit.connect.connect_server_info:
            api_key: not-a-real-key
          ignore_errors: true
        - name: publisher key
          posit.connect.connect_audit_info:
            api_key: "%(publisher)s"
          ignore_errors: true
    """ % dict(root=root, publisher=standin.keys["publisher"], no_prefix=behind_prefix.url[:-len("/rsc")]))
    run.ok()
    expected = {
        "web page": ["'server'"],
        "not connect": ["Could not connect to Connect", "connection refused", "Check the host and port in 'server'"],
        "prefix missing": ["HTTP 404", "there is no Connect API at 'server'", "path prefix"],
        "bad key": ["HTTP 401", "api_key"],
        "publisher key": ["HTTP 403", "administrator"],
    }
    for task, parts in expected.items():
        result = run[task]
        assert result["_status"] == "failed", task
        assert "\n" not in result["msg"], task
        for part in parts:
            assert part in result["msg"], (task, result["msg"])
    assert standin.writes() == []
