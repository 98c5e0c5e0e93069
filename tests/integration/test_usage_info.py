"""posit.connect.connect_usage_info against the stand-in: real ansible-playbook runs.

Results are checked against the stand-in's state (its 1,500 Shiny sessions and
3,000 visits), the summary's join against its content and users.
"""

from collections import Counter
from datetime import datetime, timezone

from playbook_runs import localhost_play


def rfc3339(ts):
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def content_guid(state, owner, name):
    owner_guid = state.user_by_username(owner)["guid"]
    return next(c["guid"] for c in state.content.values() if c["owner_guid"] == owner_guid and c["name"] == name)


def expected_summary(state, records):
    """Counts per content item and per user, joined by hand from the state."""
    per_content = Counter(r["content_guid"] for r in records)
    per_user = Counter(r["user_guid"] for r in records)
    by_content = {
        guid: {"content_guid": guid, "title": state.content[guid]["title"], "name": state.content[guid]["name"],
               "count": n, "users": len({r["user_guid"] for r in records if r["content_guid"] == guid} - {None})}
        for guid, n in per_content.items()}
    by_user = {guid: {"user_guid": guid, "username": state.users[guid]["username"] if guid else None, "count": n}
               for guid, n in per_user.items()}
    return by_content, by_user


def gets(server, path):
    return [r for r in server.requests if r["method"] == "GET" and r["path"] == "/__api__/" + path]


ADMIN_PLAY = localhost_play("""
    - name: shiny sessions
      posit.connect.connect_usage_info:
        type: shiny
    - name: visits
      posit.connect.connect_usage_info:
        type: visits
    - name: one app
      posit.connect.connect_usage_info:
        content: "{{ app }}"
    - name: visits in a window
      posit.connect.connect_usage_info:
        type: visits
        since: "{{ since }}"
        until: "{{ until }}"
    - name: last week
      posit.connect.connect_usage_info:
        since: -7d
      check_mode: true
    - name: shiny summary
      posit.connect.connect_usage_info:
        summarize: true
    - name: visits summary for one public item
      posit.connect.connect_usage_info:
        type: visits
        content: "{{ report }}"
        since: "{{ since }}"
        summarize: true
""")


def test_usage_types_filters_and_summary(standin, playbook):
    state = standin.state
    app = content_guid(state, "dave", "sales-dashboard")
    report = content_guid(state, "dave", "data-dictionary")  # public: anonymous visits too
    visit_times = sorted(v["time"] for v in state.visits)
    low, high = visit_times[500], visit_times[2500]
    run = playbook(ADMIN_PLAY, extra_vars={"app": app, "report": report,
                                           "since": rfc3339(low), "until": rfc3339(high)}).ok()

    shiny = run["shiny sessions"]
    assert shiny["changed"] is False and "summary" not in shiny
    assert shiny["count"] == len(state.shiny_usage) == 1500 == len(shiny["usage"])
    assert [(u["content_guid"], u["user_guid"]) for u in shiny["usage"]] == [
        (s["content_guid"], s["user_guid"]) for s in state.shiny_usage]  # oldest first
    assert set(shiny["usage"][0]) == {"content_guid", "user_guid", "started", "ended", "data_version"}

    visits = run["visits"]
    assert visits["count"] == len(state.visits) == 3000
    assert set(visits["usage"][0]) >= {"content_guid", "user_guid", "time", "path", "user_agent"}

    one = run["one app"]["usage"]
    assert one and {u["content_guid"] for u in one} == {app}
    assert len(one) == sum(1 for s in state.shiny_usage if s["content_guid"] == app)

    window = [v for v in state.visits if low <= v["time"] <= high]  # inclusive
    assert run["visits in a window"]["count"] == len(window) >= 2001
    assert run["visits in a window"]["usage"][0]["time"] == rfc3339(low)
    assert run["visits in a window"]["usage"][-1]["time"] == rfc3339(high)

    week = run["last week"]
    assert 0 < week["count"] < 1500
    assert all(u["started"] >= rfc3339(state.now - 7 * 86400 - 60) for u in week["usage"])

    summary = run["shiny summary"]["summary"]
    by_content, by_user = expected_summary(state, state.shiny_usage)
    assert sorted(summary["by_content"], key=lambda r: r["content_guid"]) == [by_content[g] for g in sorted(by_content)]
    assert sorted(summary["by_user"], key=lambda r: r["user_guid"] or "") == [
        by_user[g] for g in sorted(by_user, key=lambda g: g or "")]
    counts = [r["count"] for r in summary["by_content"]]
    assert counts == sorted(counts, reverse=True) and sum(counts) == 1500
    assert [r["count"] for r in summary["by_user"]] == sorted((r["count"] for r in summary["by_user"]), reverse=True)
    assert {"Sales Dashboard", "Forecasting App"} <= {r["title"] for r in summary["by_content"]}

    report_summary = run["visits summary for one public item"]["summary"]
    records = [v for v in state.visits if v["content_guid"] == report and v["time"] >= low]
    by_content, by_user = expected_summary(state, records)
    assert report_summary["by_content"] == [by_content[report]]
    assert report_summary["by_content"][0]["title"] == "Data Dictionary"
    assert None in {r["user_guid"] for r in report_summary["by_user"]}
    assert report_summary["by_content"][0]["users"] == len(by_user) - 1  # anonymous is not a user
    assert sorted(report_summary["by_user"], key=lambda r: r["user_guid"] or "") == [
        by_user[g] for g in sorted(by_user, key=lambda g: g or "")]

    # Requests: keyset pages of 500, oldest first; one content list and one users page per summary.
    pages = gets(standin, "v1/instrumentation/shiny/usage") + gets(standin, "v1/instrumentation/content/visits")
    assert pages and all(p["query"]["limit"] == "500" and p["query"]["asc_order"] == "true" for p in pages)
    unfiltered_shiny = [p for p in gets(standin, "v1/instrumentation/shiny/usage")
                        if "from" not in p["query"] and "content_guid" not in p["query"]]
    assert len(unfiltered_shiny) == 6  # 1,500 sessions: 3 pages, twice ("shiny sessions", "shiny summary")
    assert len(gets(standin, "v1/content")) == 2
    assert len(gets(standin, "v1/users")) == 2  # 12 users fit one page
    assert all(p["query"]["content_guid"] == report for p in gets(standin, "v1/instrumentation/content/visits")
               if "content_guid" in p["query"])
    assert standin.writes() == []


LIMITED_PLAY = localhost_play("""
    - name: own usage
      posit.connect.connect_usage_info:
        summarize: true
      ignore_errors: true
    - name: bad since
      posit.connect.connect_usage_info:
        since: last tuesday
      ignore_errors: true
    - name: bad content
      posit.connect.connect_usage_info:
        content: sales-dashboard
      ignore_errors: true
    - name: bad type
      posit.connect.connect_usage_info:
        type: sessions
      ignore_errors: true
""")


def test_publisher_viewer_and_bad_input(standin, playbook):
    state = standin.state
    alice = state.user_by_username("alice")
    own = {c["guid"] for c in state.content.values() if state.content_role(alice, c) in ("owner", "editor")}
    run = playbook(LIMITED_PLAY, api_key=standin.keys["publisher"])
    result = run["own usage"]
    assert result["_status"] == "ok"
    expected = [s for s in state.shiny_usage if s["content_guid"] in own]
    assert result["count"] == len(expected) > 0
    assert {r["content_guid"] for r in result["summary"]["by_content"]} <= own
    assert all(r["title"] for r in result["summary"]["by_content"])  # alice can see what she collaborates on

    for name, parts in {"bad since": ["Option 'since'", "'last tuesday'", "-7d"],
                        "bad content": ["Option 'content'", "sales-dashboard", "guid"],
                        "bad type": ["type", "shiny, visits, hits", "sessions"]}.items():
        assert run[name]["_status"] == "failed", name
        for part in parts:
            assert part in run[name]["msg"], (name, part)
    instrumentation = [r for r in standin.requests if "instrumentation" in r["path"]]
    assert len(instrumentation) == 1  # only "own usage" asked

    standin.clear_log()
    viewer = playbook(LIMITED_PLAY, api_key=standin.keys["viewer"])
    denied = viewer["own usage"]
    assert denied["_status"] == "failed" and denied["error"]["status"] == 403
    assert "requires an administrator's or a publisher's API key" in denied["msg"]
    assert standin.keys["viewer"] not in viewer.stdout


ROWS_PLAY = localhost_play("""
    - name: session rows and summary
      posit.connect.connect_usage_info:
        type: shiny
        since: "{{ since }}"
        rows: true
        summarize: true
        summary_only: true
    - name: visit rows of one public item
      posit.connect.connect_usage_info:
        type: visits
        content: "{{ report }}"
        rows: true
""")


def test_rows_join_each_session_and_visit_with_username_and_title(standin, playbook):
    state = standin.state
    report = content_guid(state, "dave", "data-dictionary")  # public: anonymous visits too
    since = sorted(s["started"] for s in state.shiny_usage)[1000]
    standin.clear_log()
    run = playbook(ROWS_PLAY, extra_vars={"since": rfc3339(since), "report": report}).ok()

    def expected(record, *fields):
        item, user = state.content.get(record["content_guid"]) or {}, state.users.get(record["user_guid"]) or {}
        return dict(content_guid=record["content_guid"], content_title=item.get("title"), content_name=item.get("name"),
                    user_guid=record["user_guid"], username=user.get("username"), **{f: rfc3339(record[f]) for f in fields})

    sessions = run["session rows and summary"]
    assert "usage" not in sessions and sessions["summary"]["by_content"]  # summary_only drops the raw records only
    assert sessions["rows"] == [expected(s, "started", "ended") for s in state.shiny_usage if s["started"] >= since]
    assert sessions["count"] == len(sessions["rows"]) == 500
    assert all(row["username"] and row["content_title"] for row in sessions["rows"])

    visits = run["visit rows of one public item"]
    assert visits["rows"] == [expected(v, "time") for v in state.visits if v["content_guid"] == report]
    assert len(visits["rows"]) == len(visits["usage"]) and {row["content_title"] for row in visits["rows"]} == {"Data Dictionary"}
    assert None in {row["username"] for row in visits["rows"]}  # anonymous visits have no username

    # rows and summary share one content list and one walk through the users, per task
    assert len(gets(standin, "v1/content")) == 2 and len(gets(standin, "v1/users")) == 2
    assert standin.writes() == []
