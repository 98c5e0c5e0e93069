"""plugins/filter/content_report.py: the content report's rows, permission summaries, chart data and CSV."""

import csv
import io
import json
import re
from pathlib import Path

import jinja2
from ansible.plugins.filter.core import regex_replace
from ansible.plugins.filter.urlsplit import split_url

from ansible_collections.posit.connect.plugins.filter.content_report import (
    COLUMNS,
    FilterModule,
    report_charts,
    report_rows,
    report_table,
    summarize_permissions,
    to_csv,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "roles" / "content_report" / "templates"
USERS = [{"guid": "u-alice", "username": "alice"}, {"guid": "u-bob", "username": "bob"},
         {"guid": "u-zoe", "username": "Zoe"}, {"guid": "u-dave", "username": "dave"}]
GROUPS = [{"guid": "g-ds", "name": "data-science"}, {"guid": "g-fin", "name": "Finance"}]


def acl(*entries):
    return [{"principal_type": kind, "principal_guid": guid, "role": role} for kind, guid, role in entries]


def by_guid(records):
    return dict((r["guid"], r) for r in records)


def test_permissions_summary_order_and_unknown_principals():
    entries = acl(("group", "g-fin", "viewer"), ("user", "u-zoe", "viewer"), ("group", "g-ds", "owner"),
                  ("user", "u-bob", "viewer"), ("user", "u-alice", "owner"), ("user", "u-gone", "viewer"))
    assert summarize_permissions(entries, by_guid(USERS), by_guid(GROUPS)) == (
        "alice (owner); bob (viewer); u-gone (viewer); Zoe (viewer); group data-science (owner); group Finance (viewer)")
    assert summarize_permissions([], by_guid(USERS), by_guid(GROUPS)) == ""


def test_rows_join_owner_permissions_and_usage():
    content = [
        {"guid": "c1", "id": "1", "name": "app", "title": "App", "app_mode": "shiny", "access_type": "acl",
         "owner_guid": "u-dave", "owner": {"username": "dave"}, "permissions": acl(("user", "u-bob", "viewer")),
         "created_time": "2025-01-01T00:00:00Z", "last_deployed_time": "2025-02-01T00:00:00Z",
         "dashboard_url": "https://connect.example/connect/#/apps/c1", "extra": "ignored"},
        {"guid": "c2", "id": "2", "name": "doc", "title": None, "app_mode": "quarto-static", "access_type": "all",
         "owner_guid": "u-alice", "permissions": []},
    ]
    shiny = {"by_content": [{"content_guid": "c1", "count": 5}]}
    visits = {"by_content": [{"content_guid": "c1", "count": 2}, {"content_guid": "c-deleted", "count": 9}]}
    rows = report_rows(content, USERS, GROUPS, shiny, visits)
    assert [list(r) for r in rows] == [list(COLUMNS)] * 2
    assert rows[0]["owner"] == "dave" and rows[0]["permissions"] == "bob (viewer)"
    assert (rows[0]["shiny_sessions"], rows[0]["visits"], rows[0]["usage"]) == (5, 2, 7)
    assert rows[1]["owner"] == "alice"  # from the user list when the item carries no owner record
    assert (rows[1]["permissions"], rows[1]["usage"]) == ("", 0)
    assert "extra" not in rows[0]

    bare = report_rows([{k: v for k, v in content[0].items() if k != "permissions"}])  # no permissions, no usage
    assert bare[0]["permissions"] is None and bare[0]["usage"] is None and bare[0]["visits"] is None


def test_charts_cap_the_bars_and_mark_the_others():
    rows = [{"app_mode": "mode%02d" % (i % 12), "owner": "owner%d" % (i % 3), "usage": i, "name": "n%d" % i,
             "title": "T%d" % i if i % 2 else None} for i in range(24)]
    charts = report_charts(rows, 10)
    assert len(charts["by_type"]) == 10
    assert charts["by_type"][-1] == {"label": "3 others", "value": 6, "other": True}
    assert sum(entry["value"] for entry in charts["by_type"]) == 24
    assert charts["by_owner"] == [{"label": "owner%d" % i, "value": 8} for i in range(3)]
    assert [entry["value"] for entry in charts["most_used"]] == list(range(23, 13, -1))
    assert charts["most_used"][0]["label"] == "T23" and charts["most_used"][1]["label"] == "n22"
    assert report_charts([], 10) == {"by_type": [], "by_owner": [], "most_used": []}


def test_long_chart_labels_end_in_an_ellipsis_and_the_tooltip_keeps_them_whole():
    long = "Quarterly NPS Survey App"  # was cut at the chart's left edge ("uarterly NPS Survey App")
    rows = [{"guid": "g-nps", "name": "nps", "title": long, "usage": 5, "owner": "a-very-long-owner-username", "app_mode": "shiny"},
            {"guid": "g-etl", "name": "etl", "title": "Nightly ETL Notebook", "usage": 3, "owner": "bob", "app_mode": "jupyter-static"}]
    html = render_page([dict(dict.fromkeys(COLUMNS), **row) for row in rows], report_charts(rows, 10))
    bars = dict((chart, re.findall(r'<g class="bar"[^>]*><title>(.*?): \d+</title>\s*<text class="label"[^>]*>(.*?)</text>', body))
                for chart, body in re.findall(r'<figure class="chart" id="chart-([a-z-]+)">(.*?)</figure>', html, re.S))
    assert bars["most-used"] == [(long, "Quarterly NPS Surve\u2026"), ("Nightly ETL Notebook", "Nightly ETL Notebook")]
    assert bars["by-owner"] == [("a-very-long-owner-username", "a-very-long-owner-u\u2026"), ("bob", "bob")]
    assert all(len(label) <= 20 for chart in bars.values() for title, label in chart)  # what fits left of a bar


def test_every_value_of_the_page_is_escaped():
    """Each {{ }} of index.html.j2 that shows a value from Connect ends in `| e` (Ansible renders with native
    types, where autoescape does nothing); the others are counts, sizes and constants of the template."""
    template = (TEMPLATES / "index.html.j2").read_text()
    expressions = re.findall(r"{{(.*?)}}(?!')", template, re.S)
    from_connect = [e for e in expressions if re.search(r"\b(row|guid|package|version|bar\.label|bar\.value|server)\b", e)]
    assert len(from_connect) >= 12
    assert [e for e in from_connect if not e.rstrip().endswith("| e")] == []
    # the table's rows are JSON in a <script type="application/json">, from report_table, whose JSON cannot end it
    rows = [e for e in expressions if "connect_report |" in e and "report_table" in e]
    assert rows == [" connect_report | posit.connect.report_table(connect_report_with_packages) "]
    assert '<script type="application/json" id="report-rows">{{%s}}</script>' % rows[0] in template
    assert "textContent" in template
    assert "| safe" not in template and "innerHTML" not in template and "insertAdjacentHTML" not in template
    assert not re.search(r"=\{\{", template)  # every attribute quoted


def render_page(rows, charts):
    """The role's index.html.j2 as Ansible renders it, for the few variables and filters it uses."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), undefined=jinja2.StrictUndefined)
    environment.filters["regex_replace"] = regex_replace
    environment.filters["urlsplit"] = split_url
    environment.filters["posit.connect.report_table"] = report_table
    return environment.get_template("index.html.j2").render(
        connect_report=rows, connect_report_charts=charts, connect_report_days=30,
        connect_report_all_time=False, connect_report_with_usage=True, connect_report_with_packages=False,
        connect_report_server={"server": {"api_url": "https://connect.example.com/__api__", "version": "2025.09.0"}},
        now=lambda **kwargs: "2026-01-01 00:00 UTC")


def test_csv_quotes_and_nulls():
    rows = [{"guid": "g", "title": 'Sales, "EMEA"', "usage": None, "id": 3}]
    text = to_csv(rows, ["guid", "title", "usage", "id"])
    assert text == 'guid,title,usage,id\r\ng,"Sales, ""EMEA""",,3\r\n'
    assert list(csv.reader(io.StringIO(text)))[1] == ["g", 'Sales, "EMEA"', "", "3"]
    assert to_csv([]) == ",".join(COLUMNS) + "\r\n"


HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")",
           "a\rb", "a\nb", "a\r\nb", "a\u2028b", "a\x85b", '"quoted", and, commas', "<script>x</script>",
           "{{ lookup('pipe','touch X') }}", "{% raw %}", "-5", "ok"]


def test_csv_cells_that_start_like_a_formula_are_text_and_line_breaks_stay_in_their_cell():
    rows = [{"value": value, "number": number} for value, number in zip(HOSTILE, [-5, 3, -2.5, 0] + [None] * 20)]
    text = to_csv(rows, ["value", "number"])
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert len(read) == len(HOSTILE) + 1  # no cell broke its row
    for line, value, row in zip(read[1:], HOSTILE, rows):
        assert line[0] == ("'" + value if value[0] in "=+-@\t\r" else value)
        # what a spreadsheet sees: no text cell starts a formula; numbers, negative ones too, stay numbers
        assert line[0][0] not in "=+-@\t\r"
        assert line[1] == ("" if row["number"] is None else str(row["number"]))
    assert read[1][1] == "-5" and read[3][1] == "-2.5"
    assert to_csv([{"=a": "=1"}], ["=a"]) == "'=a\r\n'=1\r\n"  # the header is text as well


def test_thousands_of_items_in_one_call():
    users = [{"guid": "u%d" % i, "username": "user%d" % i} for i in range(500)]
    content = [{"guid": "c%d" % i, "owner_guid": "u%d" % (i % 500), "app_mode": "shiny",
                "permissions": acl(("user", "u%d" % ((i + 1) % 500), "viewer"))} for i in range(5000)]
    summary = {"by_content": [{"content_guid": "c%d" % i, "count": i} for i in range(0, 5000, 2)]}
    rows = report_rows(content, users, [], summary, None)
    assert len(rows) == 5000 and rows[4999]["owner"] == "user499" and rows[4999]["permissions"] == "user0 (viewer)"
    assert rows[4]["usage"] == 4 and rows[5]["usage"] == 0
    assert len(to_csv(rows).splitlines()) == 5001


def test_the_page_table_is_json_no_value_can_end_its_script_element():
    """report_table: one array per row in the table's order; `<`, `>`, `&` and `'` are JSON escapes and every
    character beyond ASCII too (U+2028 ends a line in old JavaScript), so no value ends the <script> element; a
    title links only to an http or https address."""
    rows = [dict(dict.fromkeys(COLUMNS), guid="g%d" % number, id=number, title=text, name=text, owner=text,
                 permissions=text, usage=number, created_time="2024-10-05T22:23:04Z",
                 dashboard_url="https://connect.example.com/connect/#/apps/g%d" % number)
            for number, text in enumerate(HOSTILE + ["</script><script>alert(1)</script>", "<!--", "]]>", "\u2029"])]
    rows[0]["dashboard_url"] = " JaVa\tScRiPt:alert(1)"
    rows[1]["dashboard_url"] = "data:text/html,<script>alert(1)</script>"
    rows[2]["dashboard_url"] = "HTTP://connect.example.com/x"
    rows[3]["title"] = ""  # no title: no link
    rows[4]["usage"] = None
    text = report_table(rows)
    assert not set("<>&'\u2028\u2029\x85\r\n") & set(text) and text.isascii()
    table = json.loads(text)
    assert len(table) == len(rows)
    for cells, row in zip(table, rows):
        assert cells[0] == row["title"] and cells[2] == cells[5] == cells[8] == row["name"]
        assert cells[6] == "2024-10-05" and cells[7] == "" and cells[-2:] == [str(row["id"]), row["guid"]]
        assert cells[9] == row["usage"] and len(cells) == 12
    assert [cells[1] for cells in table[:5]] == ["", "", "HTTP://connect.example.com/x", "", rows[4]["dashboard_url"]]
    assert len(json.loads(report_table(rows, packages=True))[0]) == 13
    assert report_table([]) == "[]"


def test_filter_names():
    assert sorted(FilterModule().filters()) == ["report_charts", "report_rows", "report_table", "to_csv"]


def test_packages_column_and_section():
    content = [{"guid": "c1", "name": "a"}, {"guid": "c2", "name": "b"}]
    packages = [{"content_guid": "c1", "language": "python", "name": "requests", "version": "2.31.0"},
                {"content_guid": "c1", "language": "python", "name": "numpy", "version": "1.26.4"},
                {"content_guid": "c1", "language": "python", "name": "numpy", "version": "1.26.4"}]
    rows = report_rows(content, packages=packages)
    assert [r["packages"] for r in rows] == [2, 0]
    assert to_csv(rows).splitlines()[0] == ",".join(COLUMNS) + ",packages"
    assert "packages" not in report_rows(content)[0]
    summary = [{"language": "r", "name": "shiny", "items": 1, "versions": [{"version": "1.8.1", "items": 1}]},
               {"language": "python", "name": "requests", "items": 5, "versions": [{}, {}]},
               {"language": "python", "name": "numpy", "items": 9, "versions": [{}, {}]}]
    assert [p["name"] for p in report_charts(rows, 2, summary)["packages"]] == ["numpy", "requests"]
    assert "packages" not in report_charts(rows)


def test_principals_are_named_by_the_entries_principal_name_without_users_and_groups():
    """connect_content_info names each ACL entry (principal_name): the role passes no users or groups; a given
    user or group still names its guid, and an entry named by neither shows its guid."""
    acl = [dict(principal_guid="u-1", principal_type="user", principal_name="alice", role="owner"),
           dict(principal_guid="g-1", principal_type="group", principal_name="Finance", role="viewer"),
           dict(principal_guid="u-2", principal_type="user", principal_name=None, role="viewer")]
    rows = report_rows([dict(guid="c-1", name="a", owner={"username": "dave"}, permissions=acl)], [], [])
    assert rows[0]["permissions"] == "alice (owner); u-2 (viewer); group Finance (viewer)"
    rows = report_rows([dict(guid="c-1", name="a", permissions=acl[:1])], [dict(guid="u-1", username="alicia")], [])
    assert rows[0]["permissions"] == "alicia (owner)"
