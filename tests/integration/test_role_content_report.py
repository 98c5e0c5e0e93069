"""posit.connect.content_report against the stand-in: the files, their rows and columns, permissions and
usage, the formats and usage_days switches, check mode, bad variables, and the page in a real browser."""

import csv
import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, watched_page
from playbook_runs import role_play
from connect_standin import StandIn

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ["guid", "id", "name", "title", "app_mode", "access_type", "owner", "created_time",
           "last_deployed_time", "permissions", "shiny_sessions", "visits", "usage", "dashboard_url"]

PLAY = role_play("content_report", "connect_report")


@pytest.fixture(scope="module")
def server():
    standin = StandIn(seed="demo").start()
    used = Counter(record["content_guid"] for record in standin.state.shiny_usage + standin.state.visits)
    standin.state.content[used.most_common(1)[0][0]]["title"] = "Quarterly NPS Survey App"  # too long for a chart label
    yield standin
    standin.stop()


@pytest.fixture(scope="module")
def report(server, tmp_path_factory):
    """One full report run shared by the tests that read its files."""
    from playbook_runs import run_playbook
    directory = tmp_path_factory.mktemp("report")
    server.clear_log()
    started = time.time()
    run = run_playbook(PLAY, server, tmp_path_factory.mktemp("run"),
                       extra_vars=dict(connect_report_dir=str(directory))).ok()
    return run, directory, list(server.requests), (started, time.time())


def expected_usage(server, window):
    """Per content guid: (fewest, most) Shiny sessions and visits over the last 30 days, the window's start
    lying between the run's start and end (30 days back)."""
    late, early = (moment - 30 * 86400 for moment in reversed(window))
    counts = {}
    for records, field, column in ((server.state.shiny_usage, "started", 0), (server.state.visits, "time", 1)):
        for record in records:
            bounds = counts.setdefault(record["content_guid"], [[0, 0], [0, 0]])
            bounds[column][0] += record[field] >= late
            bounds[column][1] += record[field] >= early
    return counts


def expected_bars(server):
    """How many bars each chart has for the stand-in's content: 10 at most (the last being the others)."""
    state = server.state
    owners = {item["owner_guid"] for item in state.content.values()}
    types = {item["app_mode"] for item in state.content.values()}
    used = {e["content_guid"] for e in state.shiny_usage} | {e["content_guid"] for e in state.visits}
    return {"chart-by-type": min(len(types), 10), "chart-by-owner": min(len(owners), 10),
            "chart-most-used": min(len(used & set(state.content)), 10)}


def test_files_rows_permissions_and_usage(server, report):
    run, directory, requests, window = report
    state = server.state
    with open(directory / "content.csv", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [dict(zip(header, line)) for line in reader]
    assert header == COLUMNS
    assert sorted(r["guid"] for r in rows) == sorted(state.content) and len(rows) == 40
    as_json = json.loads((directory / "content.json").read_text())
    assert sorted(r["guid"] for r in as_json) == sorted(state.content)
    assert run["fact"]["connect_report"] == as_json
    assert all(list(r) == COLUMNS for r in as_json)
    assert [r["guid"] for r in rows] == [r["guid"] for r in as_json]

    row = next(r for r in as_json if r["name"] == "sales-dashboard")
    item = state.content[row["guid"]]
    assert row["owner"] == "dave" and row["id"] == item["id"] and row["app_mode"] == item["app_mode"]
    names = {u["guid"]: u["username"] for u in state.users.values()}
    groups = {g["guid"]: g["name"] for g in state.groups.values()}
    expected = sorted(("group %s" % groups[p["principal_guid"]] if p["principal_type"] == "group"
                       else names[p["principal_guid"]]) + " (%s)" % p["role"]
                      for p in state.permissions[row["guid"]])
    assert sorted(row["permissions"].split("; ")) == expected and expected
    # the documented summary: users, then groups, each by role, then name; empty when nobody else has access
    summaries = {(r["owner"], r["name"]): r["permissions"] for r in as_json}
    quarterly = "alice (owner); victor (viewer); group Leadership (viewer)"
    assert [s for (guid, name), s in summaries.items() if name == "quarterly-report"].count(quarterly) == 1
    assert summaries[("svc-deploy", "connect-usage")] == "grace (viewer); group Platform Team (viewer)"
    assert summaries[("dave", "legacy-kpis")] == "mallory (viewer); victor (viewer)"
    assert sum(r["permissions"] == quarterly for r in rows) == 1  # the CSV says the same
    bare = [r for r in as_json if not state.permissions.get(r["guid"])]
    assert bare and all(r["permissions"] == "" for r in bare)

    usage = expected_usage(server, window)  # every item's counts, from the stand-in's own records
    for row in as_json:
        (shiny_low, shiny_high), (visits_low, visits_high) = usage.get(row["guid"], [[0, 0], [0, 0]])
        assert shiny_low <= row["shiny_sessions"] <= shiny_high, row
        assert visits_low <= row["visits"] <= visits_high, row
        assert row["usage"] == row["shiny_sessions"] + row["visits"]
    assert sum(r["shiny_sessions"] for r in as_json) > 0 and sum(r["visits"] for r in as_json) > 0
    by_csv = {r["guid"]: r for r in rows}
    assert all(by_csv[r["guid"]]["usage"] == str(r["usage"]) for r in as_json)
    assert [e for e in requests if e["method"] not in ("GET", "HEAD")] == []
    paths = [e["path"] for e in requests]
    assert "/__api__/v1/instrumentation/shiny/usage" in paths and "/__api__/v1/instrumentation/content/visits" in paths
    assert sum(p.endswith("/permissions") for p in paths) == 40  # one access list per item
    # the principals are named by connect_content_info's one listing of the users and one of the groups; the role lists
    # neither again (at 50,000 users, a second listing through Ansible cost 8 s). The two usage summaries each page
    # the users too, for their by_user names.
    assert paths.count("/__api__/v1/groups") == 1 and paths.count("/__api__/v1/users") == 1 + 2


def test_the_page_in_a_real_browser(server, report):
    from playwright.sync_api import sync_playwright  # the test fails, never skips, without it

    assert Path(CHROMIUM).exists(), "make test installs Debian's chromium; run it through make"
    directory = report[1]
    bars = expected_bars(server)
    page_url = (directory / "index.html").as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page, errors, fetched = watched_page(browser, viewport={"width": 1400, "height": 1000})
        page.goto(page_url)
        rows = page.locator("#content tbody tr")
        assert rows.count() == 40
        for chart, count in bars.items():
            assert page.locator("#%s svg g.bar rect" % chart).count() == count > 0, chart
        assert bars == {"chart-by-type": 10, "chart-by-owner": 6, "chart-most-used": 10}  # the demo seed's shape
        for chart in bars:  # every label fits left of its bar: long ones end in an ellipsis, the tooltip has it all
            left = page.locator("#%s svg" % chart).bounding_box()["x"]
            for group in page.locator("#%s svg g.bar" % chart).all():
                label, tooltip = group.locator("text.label"), group.locator("title").text_content()
                assert label.bounding_box()["x"] >= left, (chart, label.text_content())
                assert tooltip.startswith(label.text_content().rstrip("\u2026")), (chart, tooltip)
        values = [int(v.replace(",", "")) for v in page.locator("#chart-by-owner text.value").all_text_contents()]
        assert sum(values) == 40 and values == sorted(values, reverse=True)
        types = page.locator("#chart-by-type text.label").all_text_contents()
        assert types[-1].endswith(" others")  # 16 types: the top 9, then one bar for the other 7
        assert sum(int(v) for v in page.locator("#chart-by-type text.value").all_text_contents()) == 40

        usage = page.locator("#content th", has_text="Usage")
        usage.click()
        usage.click()  # descending
        first = [int(t) for t in page.locator("#content tbody tr td:nth-child(9)").all_inner_texts()]
        assert first == sorted(first, reverse=True)
        page.locator("#content th", has_text="Title").click()
        titles = page.locator("#content tbody tr td:nth-child(1)").all_inner_texts()
        named = [title for title in titles if title]
        natural = [[int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", title)] for title in named]
        assert natural == sorted(natural) and titles[len(named):] == [""] * (40 - len(named))  # empty titles last
        assert page.locator("#content th", has_text="Title").get_attribute("aria-sort") == "ascending"
        page.fill("#filter", "dashboard")
        assert page.locator("#shown").inner_text().endswith("of 40 items")
        assert page.locator("#content tbody tr:not([hidden])").count() < 40
        item = next(r for r in json.loads((directory / "content.json").read_text()) if r["title"])
        page.fill("#filter", item["guid"])  # the full guid finds its row, though the table shows 8 characters
        assert page.locator("#shown").inner_text() == "1 of 40 items"
        link = page.locator("#content tbody tr:not([hidden]) td:nth-child(1) a")
        assert link.inner_text() == item["title"] and link.get_attribute("href") == item["dashboard_url"]
        assert item["dashboard_url"].endswith("/connect/#/apps/" + item["guid"])

        out = ROOT / "tests" / "output"
        out.mkdir(parents=True, exist_ok=True)
        page.fill("#filter", "")
        page.screenshot(path=str(out / "report.png"))
        print("screenshot: %s" % (out / "report.png"))
        browser.close()
    assert errors == []
    assert fetched == [page_url]  # self-contained: nothing but the page itself


def test_formats_no_usage_no_permissions_and_check_mode(server, playbook, tmp_path):
    server.clear_log()
    # the values as strings, as `-e name=value` and text extra variables give them
    run = playbook(PLAY, server=server, extra_vars=dict(
        connect_report_dir=str(tmp_path / "small"), connect_report_formats="csv",
        connect_report_usage_days="0", connect_report_permissions="false"),
        env={"ANSIBLE_CACHE_PLUGIN": "ansible.builtin.jsonfile",
             "ANSIBLE_CACHE_PLUGIN_CONNECTION": str(tmp_path / "facts")}).ok()
    [cache] = (tmp_path / "facts").glob("*localhost")  # fact caching keeps the rows, as AWX fact storage does
    cached = cache.read_text()
    assert "connect_report" in cached and all(row["guid"] in cached for row in run["fact"]["connect_report"])
    assert sorted(p.name for p in (tmp_path / "small").iterdir()) == ["content.csv"]
    row = run["fact"]["connect_report"][0]
    assert row["permissions"] is None and row["usage"] is None
    paths = {e["path"] for e in server.requests}
    assert not [p for p in paths if "instrumentation" in p or p.endswith("/permissions")]

    server.clear_log()
    checked = playbook(PLAY, server=server, check=True, extra_vars=dict(connect_report_dir=str(tmp_path / "check")))
    checked.ok()
    assert len(checked["fact"]["connect_report"]) == 40
    assert not (tmp_path / "check").exists() and server.writes() == []

    server.clear_log()
    bad = playbook(PLAY, server=server, extra_vars=dict(connect_report_dir=str(tmp_path), connect_report_formats=["pdf"]))
    assert bad.rc != 0 and "connect_report_formats" in bad.stdout and "pdf" in bad.stdout
    days = playbook(PLAY, server=server, extra_vars=dict(connect_report_dir=str(tmp_path), connect_report_usage_days="a month"))
    assert days.rc != 0 and "connect_report_usage_days must be a number of days" in days.stdout and "'all'" in days.stdout
    missing = playbook(PLAY, server=server)
    assert missing.rc != 0 and "missing required arguments: connect_report_dir" in missing.stdout
    assert server.requests == []  # bad variables fail before any request


def test_usage_over_all_time(server, playbook, tmp_path):
    server.clear_log()
    run = playbook(PLAY, server=server, extra_vars=dict(
        connect_report_dir=str(tmp_path), connect_report_formats="json,html", connect_report_usage_days="all",
        connect_report_permissions="false")).ok()
    state = server.state
    sessions = Counter(record["content_guid"] for record in state.shiny_usage)
    visits = Counter(record["content_guid"] for record in state.visits)
    rows = run["fact"]["connect_report"]
    assert [(row["shiny_sessions"], row["visits"]) for row in rows] == [(sessions[row["guid"]], visits[row["guid"]]) for row in rows]
    assert sum(row["usage"] for row in rows) == len(state.shiny_usage) + len(state.visits)  # every record is counted
    usage = [e for e in server.requests if "/instrumentation/" in e["path"]]
    assert usage and all("from" not in e["query"] for e in usage)  # no window start is sent
    assert " · usage over all time</div>" in (tmp_path / "index.html").read_text()
