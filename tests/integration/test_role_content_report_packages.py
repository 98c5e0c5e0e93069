"""posit.connect.content_report with connect_report_packages: the per-item package counts in every file and
the page's section of the packages with the most versions in use."""

import csv
import json
import re

from playbook_runs import role_play


def test_packages_section(standin, playbook, tmp_path):
    directory = tmp_path / "report"
    run = playbook(role_play("content_report", "connect_report"), extra_vars=dict(
        connect_report_dir=str(directory), connect_report_packages="true", connect_report_usage_days=0,
        connect_report_permissions=False)).ok()
    state = standin.state
    rows = json.loads((directory / "content.json").read_text())
    assert run["fact"]["connect_report"] == rows
    expected = {guid: len({(p["language"], p["name"]) for p in state.packages.get(guid, [])}) for guid in state.content}
    assert {r["guid"]: r["packages"] for r in rows} == expected and max(expected.values()) > 0
    assert 0 in expected.values()  # items without packages count 0
    with open(directory / "content.csv", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0][-1] == "packages" and {line[0]: int(line[-1]) for line in table[1:]} == expected

    # The page: the 10 packages with the most versions in use, most first, each with its versions.
    versions = {}
    for guid, packages in state.packages.items():
        for p in packages:
            versions.setdefault((p["name"], p["language"]), set()).add(p["version"])
    page = (directory / "index.html").read_text()
    section = page[page.index('<section id="packages">'):]
    listed = re.findall(r"<tr><td>([^<]+)</td><td>(python|r)</td><td class=\"num\">(\d+)</td>", section)
    assert len(listed) == 10
    counts = [int(entry[2]) for entry in listed]
    assert counts == sorted(counts, reverse=True) and counts[0] == max(len(v) for v in versions.values())
    assert all(len(versions[(name, language)]) == int(n) for name, language, n in listed)
    assert "<th data-type=\"num\" class=\"num\">Packages</th>" in page
    read = [p for p in (e["path"] for e in standin.requests) if "packages" in p]
    if standin.sparse:  # the rows do not name their item: each item's packages are read on their own
        assert read[0] == "/__api__/v1/packages"
        assert sorted(read[1:]) == sorted("/__api__/v1/content/%s/packages" % guid for guid in state.content)
    else:
        assert read == ["/__api__/v1/packages"]
    assert standin.writes() == []


def test_no_packages_by_default(standin, playbook, tmp_path):
    directory = tmp_path / "report"
    playbook(role_play("content_report", "connect_report"), extra_vars=dict(
        connect_report_dir=str(directory), connect_report_usage_days=0, connect_report_permissions=False)).ok()
    rows = json.loads((directory / "content.json").read_text())
    assert all("packages" not in r for r in rows)
    assert 'id="packages"' not in (directory / "index.html").read_text()
    assert not [e for e in standin.requests if "packages" in e["path"]]
