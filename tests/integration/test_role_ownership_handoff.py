"""posit.connect.ownership_handoff against the stand-in: dry run, check mode, diff, the move, the re-run,
a limited move, a move interrupted half-way and finished by a second run, bad variables, and a report of
hostile titles and names (text cells, mode 0600) with the variables given as text on the command line."""

import csv

import pytest

from playbook_runs import role_play
from test_role_content_report_hostile import FORMULA_STARTS, run_cli
from connect_state import writes

PLAY = role_play("ownership_handoff", "connect_handoff")


def owned(server, username):
    guid = server.state.user_by_username(username)["guid"]
    return sorted(c["guid"] for c in server.state.content.values() if c["owner_guid"] == guid)


def content_lists(server):
    return [e for e in server.requests if e["method"] == "GET" and e["path"] == "/__api__/v1/content"]


def test_dry_run_check_mode_and_diff_write_nothing_then_the_move_and_rerun(org, playbook, tmp_path):
    daves = owned(org, "dave")
    assert len(daves) == 15
    report = tmp_path / "dry.csv"
    dry = playbook(PLAY, server=org, diff=True, extra_vars=dict(
        connect_handoff_from="dave", connect_handoff_to="erin", connect_handoff_dry_run=True,
        connect_handoff_report=str(report))).ok()
    fact = dry["fact"]["connect_handoff"]
    assert (fact["matched"], fact["changed"], fact["failed"]) == (15, 15, [])
    assert sorted(item["guid"] for item in fact["items"]) == daves
    assert writes(org) == [] and owned(org, "dave") == daves
    assert "owner_guid" in dry.stdout and "before" in dry.stdout  # --diff shows the owner changing
    with open(report, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["result"] for r in rows] == ["would move"] * 15
    assert {(r["old_owner"], r["new_owner"]) for r in rows} == {("dave", "erin")}
    assert set(rows[0]) == {"guid", "name", "title", "old_owner", "new_owner", "result"}

    org.clear_log()
    checked = playbook(PLAY, server=org, check=True, extra_vars=dict(
        connect_handoff_from="dave", connect_handoff_to="erin", connect_handoff_report=str(tmp_path / "no.csv"))).ok()
    assert checked["fact"]["connect_handoff"]["changed"] == 15
    assert writes(org) == [] and not (tmp_path / "no.csv").exists()

    org.clear_log()
    report = tmp_path / "moved.csv"
    moved = playbook(PLAY, server=org, extra_vars=dict(
        connect_handoff_from="dave", connect_handoff_to="erin", connect_handoff_report=str(report))).ok()
    fact = moved["fact"]["connect_handoff"]
    assert (fact["matched"], fact["changed"], fact["failed"]) == (15, 15, [])
    assert owned(org, "dave") == [] and set(daves) <= set(owned(org, "erin"))
    assert sorted(writes(org)) == sorted(("PATCH", "/__api__/v1/content/%s" % g) for g in daves)
    # current state read with one list request, no GET per item, and one of the new owner's items (name clashes)
    assert [e["query"] for e in content_lists(org)] == [{"owner_guid": org.state.user_by_username("dave")["guid"]},
                                                        {"owner_guid": org.state.user_by_username("erin")["guid"]}]
    assert not [e for e in org.requests if e["path"].startswith("/__api__/v1/content/") and e["method"] == "GET"]
    with open(report, newline="") as handle:
        assert [r["result"] for r in csv.DictReader(handle)] == ["moved"] * 15

    org.clear_log()
    again = playbook(PLAY, server=org, extra_vars=dict(connect_handoff_from="dave", connect_handoff_to="erin")).ok()
    assert again["fact"]["connect_handoff"] == {"matched": 0, "changed": 0, "failed": [], "items": []}
    assert writes(org) == []
    assert again["role"]["_status"] == "ok"


def test_a_limited_move_and_guids_for_users(org, playbook):
    daves = owned(org, "dave")
    bobs = owned(org, "bob")
    dave = org.state.user_by_username("dave")["guid"]
    alice = org.state.user_by_username("alice")["guid"]
    run = playbook(PLAY, server=org, extra_vars=dict(
        connect_handoff_from=dave, connect_handoff_to=alice,
        connect_handoff_content=daves[:3] + bobs[:1], connect_handoff_concurrency=2)).ok()
    fact = run["fact"]["connect_handoff"]
    assert (fact["matched"], fact["changed"]) == (3, 3)
    assert [i["msg"] for i in fact["items"]][3] == "skipped: not owned by dave"
    assert owned(org, "dave") == daves[3:] and owned(org, "bob") == bobs
    assert len(writes(org)) == 3


@pytest.mark.parametrize("variables, message", [
    (dict(connect_handoff_from="nobody", connect_handoff_to="erin"),
     "connect_handoff_from: no Connect user with username or guid 'nobody'"),
    (dict(connect_handoff_from="dave", connect_handoff_to="victor"),
     "connect_handoff_to: user 'victor' is a viewer; content can only be owned by a publisher or administrator"),
    (dict(connect_handoff_from="dave", connect_handoff_to="ghost"),
     "connect_handoff_to: no Connect user with username or guid 'ghost'"),
    (dict(connect_handoff_from="dave", connect_handoff_to="erin", connect_handoff_concurrency="eight"),
     "argument 'connect_handoff_concurrency' is of type str"),
    (dict(connect_handoff_from="dave"), "missing required arguments: connect_handoff_to"),
])
def test_bad_variables_fail_before_any_write(org, playbook, variables, message):
    run = playbook(PLAY, server=org, extra_vars=variables)
    assert run.rc != 0
    assert message in run.stdout
    assert writes(org) == [] and len(owned(org, "dave")) == 15


def test_a_move_interrupted_half_way_is_finished_by_a_second_run(org, playbook):
    daves = owned(org, "dave")
    org.set_faults([{"kind": "kill_after", "writes": 6, "method": "PATCH"}])
    # The 7th PATCH finds the server gone; it is retried with backoff (about 15 s), the 8 after it are not tried.
    first = playbook(PLAY, server=org, extra_vars=dict(connect_handoff_from="dave", connect_handoff_to="erin",
                                                       connect_handoff_concurrency=1))
    assert first.rc != 0
    assert "9 of 15 content items failed (the others were applied)" in first.stdout
    assert "not attempted: an earlier request got no answer from Connect" in first.stdout
    moved_first = set(daves) - set(owned(org, "dave"))
    assert len(moved_first) == 6
    org.start()  # the server comes back on the same port
    org.set_faults([])
    org.clear_log()
    second = playbook(PLAY, server=org, extra_vars=dict(connect_handoff_from="dave", connect_handoff_to="erin")).ok()
    fact = second["fact"]["connect_handoff"]
    assert (fact["matched"], fact["changed"], fact["failed"]) == (9, 9, [])
    assert owned(org, "dave") == []
    assert not {w[1].rsplit("/", 1)[1] for w in writes(org)} & moved_first  # nothing done twice


def test_a_name_the_new_owner_already_uses_fails_that_item_in_the_dry_run_and_the_run(org, playbook, tmp_path):
    clash = org.add_content("forecast-app", owner="dave", title="Forecast")
    theirs = org.add_content("forecast-app", owner="erin", title="Erin's forecast")
    daves = owned(org, "dave")
    for dry_run in (True, False):
        org.clear_log()
        report = tmp_path / ("dry.csv" if dry_run else "run.csv")
        run = playbook(PLAY, server=org, extra_vars=dict(
            connect_handoff_from="dave", connect_handoff_to="erin", connect_handoff_dry_run=dry_run,
            connect_handoff_report=str(report)))
        assert run.rc != 0  # the role fails at the end, after the other items
        assert "1 of 16 content items failed (the others were %s)" % ("checked" if dry_run else "applied") in run.stdout
        task = "Dry run, move nothing" if dry_run else "Move the content of connect_handoff_from to connect_handoff_to"
        failed = [i for i in run["posit.connect.ownership_handoff : " + task]["results"] if i["status"] == "failed"]
        assert [(i["guid"], i["clash"]) for i in failed] == [(clash["guid"], dict(guid=theirs["guid"], name="forecast-app"))]
        assert "erin already owns an item named 'forecast-app' (%s)" % theirs["guid"] in failed[0]["msg"]
        with open(report, newline="") as handle:
            rows = dict((r["guid"], r["result"]) for r in csv.DictReader(handle))
        assert rows[clash["guid"]].startswith("failed: content %s (forecast-app) cannot move to erin" % clash["guid"])
        assert sorted(g for g, r in rows.items() if r == ("would move" if dry_run else "moved")) == \
            sorted(g for g in daves if g != clash["guid"])
        writes_now = writes(org)
        assert writes_now == [] if dry_run else sorted(writes_now) == sorted(
            ("PATCH", "/__api__/v1/content/%s" % g) for g in daves if g != clash["guid"])
    assert owned(org, "dave") == [clash["guid"]]


def test_the_report_of_a_handoff_is_kept_by_a_rerun_with_nothing_to_do(org, playbook, tmp_path):
    report = tmp_path / "handoff.csv"
    variables = dict(connect_handoff_from="dave", connect_handoff_to="erin", connect_handoff_report=str(report))
    first = playbook(PLAY, server=org, extra_vars=variables).ok()
    assert "moved 15 of 15 items from dave to erin; 0 failed" in first.stdout
    record = report.read_text()
    again = playbook(PLAY, server=org, extra_vars=variables).ok()
    assert "moved 0 of 0 items from dave to erin; 0 failed" in again.stdout
    assert report.read_text() == record and record.count("moved") == 15
    # the fixed cost: (the argument check,) one module call, the fact, and one task that says what moved or fails
    ran = sorted(name.split(" : ", 1)[-1] for name, result in again.results.items()
                 if name.startswith("posit.connect.ownership_handoff : ") and result.get("_status") != "skipped")
    assert ran[:3] == ["Move the content of connect_handoff_from to connect_handoff_to", "Say what moved, or fail when "
                       "the handoff failed", "Set the connect_handoff fact"] and len(ran) == 4, ran


def test_hostile_titles_and_names_are_text_cells_of_a_0600_report_with_variables_given_as_text(org, tmp_path):
    touched = tmp_path / "pwned"
    # names as Connect allows them (letters, digits, '.', '-', '_'), titles of 3 characters or more
    hostile = {"-2-3": "{{ lookup('pipe','touch %s') }}{%% raw %%}" % touched,
               "plus": "+1\r\nsecond line\rthird\u2028fourth\u0085fifth, \"quoted\"",
               "formula": "=cmd|' /C calc'!A0", "at": "@SUM(1+1)", "minus": "-42", "tab": "\t=1",
               "script": "<script>alert(1)</script>"}
    added = {org.add_content(name, owner="dave", title=title)["guid"]: (name, title) for name, title in hostile.items()}
    daves = owned(org, "dave")
    report = tmp_path / "run.csv"
    run_cli(org, tmp_path, ["connect_handoff_from=dave", "connect_handoff_to=erin", "connect_handoff_report=%s" % report,
                            "connect_handoff_dry_run=false", "connect_validate_certs=false"], play=PLAY)
    assert sorted(writes(org)) == sorted(("PATCH", "/__api__/v1/content/%s" % g) for g in daves)
    with open(report, newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["guid", "name", "title", "old_owner", "new_owner", "result"] and len(table) == len(daves) + 1
    rows = {line[0]: line for line in table[1:]}

    def cell(text):
        return "'" + text if text.startswith(FORMULA_STARTS) else text

    for guid, (name, title) in added.items():
        assert rows[guid][1:3] == [cell(name), cell(title)] and rows[guid][5] == "moved"
    assert rows[next(g for g, (n, t) in added.items() if n == "minus")][2] == "'-42"
    assert not [value for line in table for value in line if value.startswith(FORMULA_STARTS)]
    assert oct(report.stat().st_mode & 0o777) == "0o600" and not touched.exists()

    org.clear_log()  # a dry run given as text writes nothing but its report, with the mode given
    shared = tmp_path / "dry.csv"
    run_cli(org, tmp_path, ["connect_handoff_from=erin", "connect_handoff_to=dave", "connect_handoff_report=%s" % shared,
                            "connect_handoff_dry_run=true", "connect_handoff_mode=0640"], play=PLAY)
    assert writes(org) == [] and oct(shared.stat().st_mode & 0o777) == "0o640"
    with open(shared, newline="") as handle:
        assert {line["result"] for line in csv.DictReader(handle)} == {"would move"}
