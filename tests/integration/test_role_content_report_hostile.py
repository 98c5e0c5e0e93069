"""posit.connect.content_report with a hostile server: titles, names, usernames, guids, ids, times, links and
package names that carry template syntax, HTML, CSV formulas and line breaks. The files carry them as data:
the CSV as text cells a spreadsheet shows as text, the page escaped (checked in a real browser: no script
runs, the text shows as it is), links only to http(s) pages; the files are 0600. Also the package section's
counts, the variables given as strings on the command line (-e name=value), and each boolean as false.

REPORT_ANSIBLE_PLAYBOOK=/path/to/ansible-playbook runs these playbooks with another ansible-core (such as
2.18, whose variables turn numbers into text), outside `make test`."""

import csv
import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, watched_page
from playbook_runs import playbook_command, role_play
from connect_standin import StandIn

PLAY = role_play("content_report", "connect_report")
PAGE_TITLE = "Posit Connect content report"
ANSIBLE_PLAYBOOK = os.environ.get("REPORT_ANSIBLE_PLAYBOOK")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def hostile(marker, touched):
    """Hostile texts: each would set window.__pwned to `marker` if it ran as script in the page, or touch the
    file `touched` if it were templated."""
    return {
        "title": "<script>window.__pwned=%d</script>{{ lookup('pipe','touch %s') }}" % (marker, touched),
        "name": "=cmd|' /C calc'!A0",
        "attr": "\"'><img src=x onerror=\"window.__pwned=%d\"><title>pwned</title>" % marker,
        "lines": "+1 line\r\ntwo\rthree\nfour\u2028five\u0085six {%% raw %%} <!-- -->",
        "formula": "@SUM(1+1)*cmd|' /C calc'!A0",
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The demo organization, with hostile text in five items, one user, two packages, and in what Connect
    sends for one item (guid, id, times, dashboard_url) and the links of three others."""
    touched = tmp_path_factory.mktemp("touched") / "pwned"
    standin = StandIn(seed="demo").start()
    state = standin.state
    items = sorted(state.content.values(), key=lambda item: int(item["id"]))
    texts = hostile(1, touched)
    items[0]["title"], items[0]["name"] = texts["title"], texts["name"]
    items[1]["title"], items[1]["name"] = texts["attr"], texts["formula"]
    items[2]["title"] = texts["lines"]
    items[3]["title"] = "-5"  # text that looks like a negative number is text
    owner = state.users[items[4]["owner_guid"]]
    owner["username"] = "=HYPERLINK(\"http://evil.example\")<b>" + hostile(2, touched)["title"]
    # a package every Python item uses gets a hostile name, and one of its versions a hostile version
    renamed = [row for rows in state.packages.values() for row in rows if row["name"] == "requests"]
    for row in renamed:
        row["name"] = hostile(3, touched)["title"]
    renamed[0]["version"] = hostile(4, touched)["attr"]

    sent = {  # what a hostile server sends for some items, beyond their stored fields
        items[5]["guid"]: {"guid": "\"><script>window.__pwned=5</script><title>pwned</title>x",
                           "id": "<b onmouseover=\"window.__pwned=6\">7</b>",
                           "created_time": "<script>window.__pwned=7</script>",
                           "last_deployed_time": "\"><img src=x onerror=\"window.__pwned=8\">",
                           "dashboard_url": "javascript:window.__pwned=9"},
        items[6]["guid"]: {"dashboard_url": " JaVa\tScRiPt:window.__pwned=10"},
        items[7]["guid"]: {"dashboard_url": "data:text/html,<script>window.__pwned=11</script>"},
        items[8]["guid"]: {"dashboard_url": "https://connect.example.com/connect/#/apps/\"><script>window.__pwned=12</script>"},
    }
    content_out = state.content_out

    def hostile_content_out(item, *args, **kwargs):
        out = content_out(item, *args, **kwargs)
        out.update(sent.get(item["guid"], {}))
        return out

    state.content_out = hostile_content_out
    standin.hostile = dict(items=items, sent=sent, touched=touched, texts=texts, owner=owner["username"])
    yield standin
    standin.stop()


def expected_packages(state):
    """(name, language) -> (the guids of the items that use it, {version: the guids of the items that use it})."""
    found = {}
    for guid, rows in state.packages.items():
        for row in rows if guid in state.content else []:
            item_guids, by_version = found.setdefault((row["name"], row["language"]), (set(), {}))
            item_guids.add(guid)
            by_version.setdefault(row["version"], set()).add(guid)
    return found


def run_cli(server, tmp_path, arguments, play=PLAY):
    """ansible-playbook with `-e name=value` arguments as a shell gives them (text, not JSON); the results by
    task name."""
    cmd, environ, out = playbook_command(play, server, tmp_path)
    cmd[0] = ANSIBLE_PLAYBOOK or cmd[0]
    for argument in arguments:
        cmd += ["-e", argument]
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=str(tmp_path), env=environ, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def report(server, tmp_path_factory):
    directory = tmp_path_factory.mktemp("report")
    server.clear_log()
    results = run_cli(server, tmp_path_factory.mktemp("run"), [
        "connect_report_dir=%s" % directory, "connect_report_packages=true", "connect_report_permissions=false"])
    return results, directory


def test_csv_cells_are_text_and_stay_in_their_row(server, report):
    results, directory = report
    items, texts = server.hostile["items"], server.hostile["texts"]
    with open(directory / "content.csv", newline="") as handle:
        table = list(csv.reader(handle))
    header, lines = table[0], table[1:]
    assert len(lines) == len(server.state.content) == 40  # no line break split a row
    cells = [dict(zip(header, line)) for line in lines]
    by_id = {cell["id"]: cell for cell in cells}
    assert by_id[items[0]["id"]]["title"] == texts["title"]
    assert by_id[items[0]["id"]]["name"] == "'" + texts["name"]
    assert by_id[items[1]["id"]]["name"] == "'" + texts["formula"] and by_id[items[1]["id"]]["title"] == texts["attr"]
    assert by_id[items[2]["id"]]["title"] == "'" + texts["lines"]  # every line break kept, in its cell
    assert by_id[items[3]["id"]]["title"] == "'-5"
    assert by_id[items[4]["id"]]["owner"] == "'" + server.hostile["owner"]
    assert by_id[server.hostile["sent"][items[5]["guid"]]["id"]]["dashboard_url"] == "javascript:window.__pwned=9"
    numbers = ("shiny_sessions", "visits", "usage", "packages")
    for cell in cells:  # as a spreadsheet reads the first character: no text cell starts a formula
        for column, value in cell.items():
            if value and column not in numbers:
                assert not value.startswith(FORMULA_STARTS), (column, value)
            elif column in numbers:
                assert value.isdigit(), (column, value)
    # the JSON carries every value as Connect sent it, and the run templated none of them
    rows = json.loads((directory / "content.json").read_text())
    assert rows == results["fact"]["connect_report"]
    titles = {row["title"] for row in rows}
    assert {texts["title"], texts["attr"], texts["lines"], "-5"} <= titles
    assert not server.hostile["touched"].exists()


def test_files_are_0600_unless_a_mode_is_given(server, report, tmp_path):
    directory = report[1]
    assert sorted(p.name for p in directory.iterdir()) == ["content.csv", "content.json", "index.html"]
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in directory.iterdir()} == dict.fromkeys(
        ["content.csv", "content.json", "index.html"], "0o600")
    shared = tmp_path / "shared"
    run_cli(server, tmp_path, ["connect_report_dir=%s" % shared, "connect_report_mode=0640",
                               "connect_report_usage_days=0", "connect_report_permissions=false"])
    assert {oct(p.stat().st_mode & 0o777) for p in shared.iterdir()} == {"0o640"}


def test_the_page_escapes_every_value_and_links_only_to_http(server, report):
    from playwright.sync_api import sync_playwright  # the test fails, never skips, without it

    assert Path(CHROMIUM).exists(), "make test installs Debian's chromium; run it through make"
    directory = report[1]
    items, sent, texts = server.hostile["items"], server.hostile["sent"], server.hostile["texts"]
    page_url = (directory / "index.html").as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page, errors, fetched = watched_page(browser)
        page.goto(page_url)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        page_titles = "[...document.querySelectorAll('title')].filter(t => !t.closest('svg')).length"
        assert page.title() == PAGE_TITLE and page.evaluate(page_titles) == 1  # the charts' tooltips are SVG titles
        assert page.locator("body script").count() == 1 and page.locator("body img").count() == 0
        assert page.locator("#content tbody tr").count() == 40

        def row(guid):
            return page.locator("#content tbody tr").nth(
                [r.get_attribute("data-guid") for r in page.locator("#content tbody tr").all()].index(guid))

        def cell(guid, column):
            return row(guid).locator("td").nth(column)

        def shown(text):  # an HTML parser reads CR and CRLF as LF
            return text.replace("\r\n", "\n").replace("\r", "\n")

        assert cell(items[0]["guid"], 0).text_content() == texts["title"]
        assert cell(items[0]["guid"], 1).text_content() == texts["name"]
        assert cell(items[1]["guid"], 0).text_content() == texts["attr"]
        assert cell(items[2]["guid"], 0).text_content() == shown(texts["lines"])
        assert cell(items[4]["guid"], 4).text_content() == server.hostile["owner"]
        # what the server sent for an item's guid, id and times shows as text, its javascript: link is no link
        fake = sent[items[5]["guid"]]
        assert cell(fake["guid"], 11).get_attribute("title") == fake["guid"]
        assert cell(fake["guid"], 11).text_content() == fake["guid"][:8]
        assert cell(fake["guid"], 10).text_content() == fake["id"]
        assert cell(fake["guid"], 5).text_content() == fake["created_time"][:10]
        assert cell(fake["guid"], 6).text_content() == fake["last_deployed_time"][:10]
        for guid in (fake["guid"], items[6]["guid"], items[7]["guid"]):
            assert cell(guid, 0).locator("a").count() == 0 and cell(guid, 0).text_content()
        link = cell(items[8]["guid"], 0).locator("a")
        assert link.get_attribute("href") == sent[items[8]["guid"]]["dashboard_url"]
        assert page.locator("#content a").count() == sum(1 for item in items if item["title"]) - 3

        page.fill("#filter", "window.__pwned=1<")  # the filter finds the row by its text, and runs nothing
        assert page.locator("#shown").inner_text() == "1 of 40 items"
        page.fill("#filter", fake["guid"])  # the full guid, though the table shows 8 characters
        assert page.locator("#shown").inner_text() == "1 of 40 items"
        for column in (0, 1, 4, 5, 10, 11):  # sorting moves the rows and runs nothing either
            page.locator("#content th").nth(column).click()

        # the packages section: each package's items, and each version's items (issue 24.3: both were blank)
        listed = [[td.text_content() for td in tr.locator("td").all()]
                  for tr in page.locator("table.packages tbody tr").all()]
        expected = expected_packages(server.state)
        assert len(listed) == 10
        for name, language, count, used, versions in listed:
            item_guids, by_version = expected[(name, language)]
            assert (int(count), int(used)) == (len(by_version), len(item_guids)) and int(used) > 0, name
            assert sorted(versions.split(", ")) == sorted("%s (%d)" % (v, len(g)) for v, g in by_version.items()), name
        assert hostile(3, server.hostile["touched"])["title"] in [line[0] for line in listed]
        assert any(hostile(4, server.hostile["touched"])["attr"] in line[4] for line in listed)
        assert page.evaluate("typeof window.__pwned") == "undefined" and page.title() == PAGE_TITLE
        browser.close()
    assert errors == [] and fetched == [page_url]
    assert not server.hostile["touched"].exists()


def test_variables_given_as_text_on_the_command_line_and_each_boolean_false(server, tmp_path):
    """-e name=value gives text. ansible-core 2.18 failed here with "'>' not supported between 'str' and
    'int'" (issue 24.14), also with the default usage window; every boolean is read with `| bool`."""
    from connect_standin.model import parse_time

    server.clear_log()
    started = time.time()
    directory = tmp_path / "report"
    run_cli(server, tmp_path, ["connect_report_dir=%s" % directory, "connect_report_formats=html,csv",
                               "connect_report_usage_days=10", "connect_report_permissions=false",
                               "connect_report_packages=false", "connect_validate_certs=false"])
    ended = time.time()
    usage = [e for e in server.requests if "/instrumentation/" in e["path"]]
    assert len({e["path"] for e in usage}) == 2
    for entry in usage:  # the window starts 10 days back
        assert started - 10 * 86400 - 1 <= parse_time(entry["query"]["from"], "from") / 1e9 <= ended - 10 * 86400 + 1
    assert " · usage over the last 10 days</div>" in (directory / "index.html").read_text()
    paths = [e["path"] for e in server.requests]
    assert not [p for p in paths if p.endswith("/permissions") or "packages" in p]
    assert sorted(p.name for p in directory.iterdir()) == ["content.csv", "index.html"]
    assert server.writes() == []


def test_the_server_report_file_is_0600_unless_a_mode_is_given(server, tmp_path):
    play = (Path(__file__).resolve().parents[2] / "playbooks" / "server_report.yml").read_text()
    for arguments, mode in (([], "0o600"), (["report_mode=0640"], "0o640")):
        report_file = tmp_path / ("report-%s.json" % mode)
        run_cli(server, tmp_path, ["connect_hosts=localhost", "report_file=%s" % report_file] + arguments, play=play)
        assert list(json.loads(report_file.read_text())) == ["localhost"]
        assert oct(report_file.stat().st_mode & 0o777) == mode
