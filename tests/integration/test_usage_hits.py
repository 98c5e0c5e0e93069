"""posit.connect.connect_usage_info type=hits against the stand-in: several items in one request on 2026.01 and later,
one unfiltered read filtered locally before, the window, and hostile data in the records."""

from collections import Counter
from datetime import datetime, timezone

import pytest

from connect_standin import StandIn

from reference import undeclared

HOSTILE = "{{ lookup('pipe','touch X') }} {% if %}\n\r\u2028\u0085=cmd|' /C calc'!A0 <script>\"'"

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: hits
      posit.connect.connect_usage_info:
        type: hits
        content: "{{ guids }}"
        since: "{{ since }}"
        rows: true
        summarize: true
"""


def rfc3339(ts):
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def top_two(state):
    return [guid for guid, dummy in Counter(v["content_guid"] for v in state.visits).most_common(2)]


@pytest.fixture(params=["2026.01.0", "2025.09.0"])
def server(request):
    with StandIn(version=request.param) as standin:
        standin.version_tuple = tuple(int(p) for p in request.param.split("."))
        yield standin


def test_hits_of_several_items_in_one_request(server, playbook):
    state = server.state
    guids = top_two(state)
    state.visits[-1].update(content_guid=guids[0], path=HOSTILE, user_agent=HOSTILE)
    since = sorted(v["time"] for v in state.visits)[len(state.visits) // 2]
    result = playbook(PLAY, server=server, extra_vars=dict(guids=guids, since=rfc3339(since))).ok()["hits"]
    expected = [v for v in state.visits if v["content_guid"] in guids and v["time"] >= since]
    assert sorted(int(h["id"]) for h in result["usage"]) == sorted(v["id"] for v in expected) and expected
    assert result["count"] == len(expected)
    assert {r["content_guid"] for r in result["rows"]} == set(guids) and all(r["timestamp"] for r in result["rows"])
    assert sum(r["count"] for r in result["summary"]["by_content"]) == len(expected)
    hostile = [h for h in result["usage"] if int(h["id"]) == state.visits[-1]["id"]]
    assert hostile == [] or hostile[0]["data"] == {"path": HOSTILE, "user_agent": HOSTILE}
    asked = [e for e in server.requests if e["path"] == "/__api__/v1/instrumentation/content/hits"]
    assert len(asked) == 1
    if server.version_tuple >= (2026, 1, 0):
        assert asked[0]["query"]["content_guid"] == "|".join(guids)
    else:
        assert "content_guid" not in asked[0]["query"]  # an older server ignores it: read all, filter here
    assert server.writes() == [] and undeclared(server.requests) == []


def test_hits_on_a_server_without_them_and_several_items_for_visits(playbook):
    with StandIn(version="2025.01.0") as old:
        run = playbook(PLAY, server=old, extra_vars=dict(guids=top_two(old.state), since="-30d"))
        assert run.rc != 0 and "2025.04" in run["hits"]["msg"]
        old.clear_log()
        run = playbook(PLAY.replace("type: hits", "type: visits"), server=old,
                       extra_vars=dict(guids=top_two(old.state), since="-30d"))
        assert run.rc != 0 and "Option 'content'" in run["hits"]["msg"]
        assert not [e for e in old.requests if "instrumentation" in e["path"]]
