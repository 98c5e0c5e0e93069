"""The content report of 10,000 items stays usable (issue 29, point 5): its page opens in headless Chromium in
under 2 s and its filter answers each keystroke within 100 ms, both measured by the page's own clock
(window.reportTimings, performance.now), with the page's size stated and no network.

Running the whole role against a stand-in of 10,000 items takes minutes (most of it Ansible carrying the
listings between tasks), so the page is written by the role's own page task (tasks/page.yml, the template and the
report_charts and report_table filters) from rows that the role's report_rows filter joins from 10,000 items as the
stand-in's bench seed sends them, hostile text among them. The rows reach the play as a file read with a lookup,
which Ansible treats as data (never as a template), as it treats a module's result."""

import json
import time
from types import SimpleNamespace

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, watched_page
from playbook_runs import run_playbook
from connect_standin.seed import build

from ansible_collections.posit.connect.plugins.filter.content_report import report_rows

ITEMS = 10000
LOAD_MS, KEYSTROKE_MS = 2000, 100  # the limits
PAGE_BYTES = 4 * 1024 * 1024  # the page's size stays below 4 MiB (docs/content-report.md states it)
SERVER = "https://connect.example.com"

PAGE_PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: page
      ansible.builtin.include_role:
        name: posit.connect.content_report
        tasks_from: page
      vars:
        connect_report: "{{ lookup('ansible.builtin.file', rows_file) | from_json }}"
        connect_report_server: {server: {api_url: "%s/__api__", version: "2025.09.0"}}
        connect_report_with_usage: true
        connect_report_all_time: false
        connect_report_days: 30
        connect_report_with_packages: false
        connect_report_mode: "0600"
""" % SERVER


def hostile(marker, touched):
    """Texts that would set window.__pwned to `marker` if they ran as script in the page, or touch the file
    `touched` if they were templated; with line breaks, quotes and a formula."""
    return ["</script><script>window.__pwned=%d</script>" % marker,
            "{{ lookup('pipe','touch %s') }}{%% raw %%}" % touched,
            "\"'><img src=x onerror=\"window.__pwned=%d\"><!-- ]]>" % marker,
            "=cmd|' /C calc'!A0 line\r\ntwo\u2028three\u0085four & &amp; \\u003c"]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """(index.html, its rows, the hostile texts, the file a template would touch): 10,000 items as the bench seed's
    server sends them, 300 users owning them in turn, each shared with a user and a group, hostile text in 40."""
    touched = tmp_path_factory.mktemp("touched") / "pwned"
    state = build("bench", {"content": ITEMS, "usage": 0, "audit": 0, "users": 300})
    users, groups = list(state.users.values()), list(state.groups.values())
    admin = state.user_by_username("admin")
    content = []
    for number, item in enumerate(sorted(state.content.values(), key=lambda item: int(item["id"]))):
        item["owner_guid"] = users[number % len(users)]["guid"]
        sent = state.content_out(item, admin, SERVER, include=("owner",))
        sent["permissions"] = [
            {"principal_type": "user", "principal_guid": users[(number + 7) % len(users)]["guid"], "role": "viewer"},
            {"principal_type": "group", "principal_guid": groups[number % len(groups)]["guid"], "role": "owner"}]
        content.append(sent)
    texts = hostile(1, touched)
    for number, item in enumerate(content[::ITEMS // 40]):
        text = texts[number % len(texts)]
        item["title"], item["name"] = text, text
        item["owner"]["username"] = text
        if number % 4 == 1:
            item["dashboard_url"] = "javascript:window.__pwned=2"
    shiny = {"by_content": [{"content_guid": item["guid"], "count": number % 97} for number, item in enumerate(content)]}
    visits = {"by_content": [{"content_guid": item["guid"], "count": number % 13} for number, item in enumerate(content[::3])]}
    rows = report_rows(content, users, groups, shiny, visits)

    directory = tmp_path_factory.mktemp("report")
    rows_file = directory / "rows.json"
    rows_file.write_text(json.dumps(rows))
    started = time.time()
    no_server = SimpleNamespace(url="http://127.0.0.1:9", keys={})  # the page task sends no request
    run_playbook(PAGE_PLAY, no_server, tmp_path_factory.mktemp("run"), api_key="",
                 extra_vars=dict(rows_file=str(rows_file), connect_report_dir=str(directory))).ok()
    print("the page task wrote %d rows in %.1f s" % (ITEMS, time.time() - started))
    return directory / "index.html", rows, texts, touched


def test_ten_thousand_items_open_in_two_seconds_and_filter_in_100_ms_a_keystroke(page):
    from playwright.sync_api import sync_playwright  # the test fails, never skips, without it

    html, rows, texts, touched = page
    size = html.stat().st_size
    print("page size: %d bytes (%.1f MB) for %d items" % (size, size / 1e6, ITEMS))
    assert size < PAGE_BYTES
    assert not touched.exists()
    page_url = html.as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab, errors, fetched = watched_page(browser, viewport={"width": 1400, "height": 1000})
        tab.goto(page_url)
        tab.wait_for_function("window.reportTimings && window.reportTimings.ready !== null")
        navigation = tab.evaluate("performance.getEntriesByType('navigation')[0].toJSON()")
        ready = tab.evaluate("window.reportTimings.ready")
        print("opened: DOMContentLoaded %.0f ms, load %.0f ms, table on screen %.0f ms"
              % (navigation["domContentLoadedEventEnd"], navigation["loadEventEnd"], ready))
        assert navigation["loadEventEnd"] < LOAD_MS and ready < LOAD_MS
        assert tab.locator("#shown").inner_text() == "10,000 of 10,000 items"
        # only the rows near the screen are in the page; scrolled to the end, the last row is there
        assert 0 < tab.locator("#content tbody tr").count() < 300
        tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        last = rows[-1]["guid"]
        tab.wait_for_function("document.querySelector('#content tbody tr:last-child').dataset.guid === %s" % json.dumps(last))
        assert tab.locator("#content tbody tr:last-child").bounding_box()["y"] < 1000  # on screen
        tab.evaluate("window.scrollTo(0, 0)")

        # one key at a time, as a person types, and back to every row: each keystroke's rows are in the page within
        # 100 ms of the key (the page's clock). The browser's Event Timing (events of 16 ms and more, from the key to
        # the next paint) is stated, and a typical keystroke is on screen within 100 ms: its slowest ones follow the
        # machine's load (on a busy machine a keyup, which the page does not handle, took 136 ms to paint)
        typed = "bench item 12"
        tab.locator("#filter").press_sequentially(typed, delay=150)
        expected = sum(1 for row in rows if any(typed in str(row[column] or "").lower()
                                                for column in ("title", "name", "owner", "permissions")))
        assert tab.locator("#shown").inner_text() == "%d of 10,000 items" % expected and 0 < expected < ITEMS
        for dummy in typed:
            tab.keyboard.press("Backspace", delay=150)
        assert tab.locator("#shown").inner_text() == "10,000 of 10,000 items"
        tab.wait_for_timeout(300)  # the last keystroke's paint
        keystrokes, painted = tab.evaluate("[window.reportTimings.filter, window.reportTimings.paint]")
        print("filter, ms from the key to its rows in the page: %s" % ", ".join("%.0f" % ms for ms in keystrokes))
        print("filter box events of 16 ms or more, ms from the key to the screen: %s"
              % ", ".join("%s %.0f" % (event["name"], event["duration"]) for event in painted))
        assert len(keystrokes) == 2 * len(typed) and max(keystrokes) < KEYSTROKE_MS
        inputs = sorted(event["duration"] for event in painted if event["name"] == "input")
        inputs = [0] * (len(keystrokes) - len(inputs)) + inputs  # those under 16 ms are not reported
        assert inputs[len(inputs) // 2] < KEYSTROKE_MS  # the median keystroke

        for text in texts:  # each found by the filter, shown as text (line breaks as an HTML parser reads them)
            tab.fill("#filter", text.splitlines()[0])  # a search box keeps no line break
            names = tab.evaluate("[...document.querySelectorAll('#content tbody tr')].map(tr => tr.cells[1].textContent)")
            assert names == [text.replace("\r\n", "\n").replace("\r", "\n")] * 10
        tab.fill("#filter", texts[0].lower())
        assert tab.locator("#shown").inner_text() == "10 of 10,000 items"
        assert tab.locator("#content a[href^='javascript']").count() == 0 and tab.locator("#content a").count() == 10
        assert tab.evaluate("typeof window.__pwned") == "undefined"
        assert tab.locator("script").count() == 2  # the page's script and its rows (JSON, not script)
        browser.close()
    assert errors == []
    assert fetched == [page_url]  # no network: nothing but the page itself
    assert not touched.exists()
