"""posit.connect.content_report against the stand-in: the files, their rows and columns, permissions and
usage, the formats and usage_days switches, check mode, bad variables, and the page in a real browser."""

import csv
import json
import time
from pathlib import Path

import pytest

from conftest import role_play
from connect_standin import StandIn

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COLUMNS = ["guid", "id", "name", "title", "app_mode", "access_type", "owner", "created_time",
           "last_deployed_time", "permissions", "shiny_sessions", "visits", "usage"]

PLAY = role_play("content_report", "connect_report")


@pytest.fixture(scope="module")
def server():
    standin = StandIn(seed="demo").start()
    yield standin
    standin.stop()


@pytest.fixture(scope="module")
def report(server, tmp_path_factory):
    """One full report run shared by the tests that read its files."""
    from conftest import run_playbook
    directory = tmp_path_factory.mktemp("report")
    server.clear_log()
    run = run_playbook(PLAY, server, tmp_path_factory.mktemp("run"),
                       extra_vars=dict(connect_report_dir=str(directory))).ok()
    return run, directory, list(server.requests)


def test_files_rows_permissions_and_usage(server, report):
    run, directory, requests = report
    state = server.state
    with open(directory / "content.csv", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [dict(zip(header, line)) for line in reader]
    assert header == COLUMNS
    assert sorted(r["guid"] for r in rows) == sorted(state.content)
    as_json = json.loads((directory / "content.json").read_text())
    assert sorted(r["guid"] for r in as_json) == sorted(state.content)
    assert run["fact"]["connect_report"] == as_json

    row = next(r for r in as_json if r["name"] == "sales-dashboard")
    item = state.content[row["guid"]]
    assert row["owner"] == "dave" and row["id"] == item["id"] and row["app_mode"] == item["app_mode"]
    names = {u["guid"]: u["username"] for u in state.users.values()}
    groups = {g["guid"]: g["name"] for g in state.groups.values()}
    expected = sorted(("group %s" % groups[p["principal_guid"]] if p["principal_type"] == "group"
                       else names[p["principal_guid"]]) + " (%s)" % p["role"]
                      for p in state.permissions[row["guid"]])
    assert sorted(row["permissions"].split("; ")) == expected and expected

    since = time.time() - 30 * 86400  # connect_report_usage_days
    sessions = sum(1 for s in state.shiny_usage if s["content_guid"] == row["guid"] and s["started"] >= since)
    assert row["shiny_sessions"] == sessions > 0 and row["usage"] == row["shiny_sessions"] + row["visits"]
    assert [e for e in requests if e["method"] not in ("GET", "HEAD")] == []


def test_the_page_in_a_real_browser(report):
    from playwright.sync_api import sync_playwright  # the test fails, never skips, without it

    assert Path(CHROMIUM).exists(), "make test installs Debian's chromium; run it through make"
    _, directory, _ = report
    page_url = (directory / "index.html").as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors, fetched = [], []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: fetched.append(request.url))
        page.goto(page_url)
        rows = page.locator("#content tbody tr")
        assert rows.count() == 40
        for chart in ("chart-by-type", "chart-by-owner", "chart-most-used"):
            assert page.locator("#%s svg g.bar" % chart).count() > 0
        assert page.locator("#chart-by-owner svg g.bar").count() == 6  # dave, alice, bob, carol, erin, svc-deploy
        assert page.locator("#chart-by-type svg g.bar").count() == 10  # the top 9 types and "others"
        assert page.locator("#chart-most-used svg g.bar").count() == 10

        usage = page.locator("#content th", has_text="Usage")
        usage.click()
        usage.click()  # descending
        first = [int(t) for t in page.locator("#content tbody tr td:nth-child(9)").all_inner_texts()]
        assert first == sorted(first, reverse=True)
        page.locator("#content th", has_text="Title").click()
        titles = page.locator("#content tbody tr td:nth-child(1)").all_inner_texts()
        assert titles == sorted(titles, key=str.lower)
        page.fill("#filter", "dashboard")
        assert page.locator("#shown").inner_text().endswith("of 40 items")
        assert page.locator("#content tbody tr:not([hidden])").count() < 40

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
    run = playbook(PLAY, server=server, extra_vars=dict(
        connect_report_dir=str(tmp_path / "small"), connect_report_formats=["csv"],
        connect_report_usage_days=0, connect_report_permissions=False),
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

    bad = playbook(PLAY, server=server, extra_vars=dict(connect_report_dir=str(tmp_path), connect_report_formats=["pdf"]))
    assert bad.rc != 0 and "connect_report_formats" in bad.stdout and "pdf" in bad.stdout
    missing = playbook(PLAY, server=server)
    assert missing.rc != 0 and "missing required arguments: connect_report_dir" in missing.stdout
