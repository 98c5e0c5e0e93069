"""The posit.connect.content_rebuild role against the stand-in: real ansible-playbook runs; the selection by runtime
version, the builds in the stand-in's request log, the CSV report, the resumable state file, dry run and check mode."""

import csv
import io
import json
import os

import pytest

from playbook_runs import role_play
from reference import undeclared

HOSTILE = "=cmd|' /C calc'!A0 {{ lookup('pipe','touch /tmp/rebuild-pwned') }} {% if 1 %}x{% endif %}\n\r\u2028\u0085<script>\"'"


@pytest.fixture
def demo(standin):
    standin.reset(seed="demo")
    return standin


def old_r(standin):
    return sorted((c for c in standin.state.content.values() if c["r_version"] == "4.2.3" and c["bundle_id"]),
                  key=lambda c: c["guid"])


def builds(standin):
    return sorted(e["path"].split("/")[-2] for e in standin.writes() if e["path"].endswith("/build"))


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(io.StringIO(handle.read())))


def fail_build(standin, item, why):
    from connect_standin import bundles
    bundle = next(b for b in bundles._bundles(standin.state, item) if b["id"] == item["bundle_id"])
    bundle["manifest"] = dict(bundle["manifest"], standin={"fail": why} if why else {})


def test_rebuilds_what_runs_an_old_r_with_a_report(demo, playbook, tmp_path):
    report = tmp_path / "rebuild.csv"
    run = playbook(role_play("content_rebuild", "connect_rebuild"),
                   extra_vars=dict(connect_rebuild_r="<4.3", connect_rebuild_report=str(report))).ok()
    fact = run["fact"]["connect_rebuild"]
    expected = [c["guid"] for c in old_r(demo)]
    assert builds(demo) == expected
    assert sorted(i["guid"] for i in fact["rebuilt"]) == expected and fact["failed"] == [] and fact["skipped"] == []
    rows = read_csv(report)
    assert sorted(r["guid"] for r in rows) == expected
    assert set(r["status"] for r in rows) == {"rebuilt"} and all(r["runtime"] == "r 4.2.3" for r in rows)
    assert oct(os.stat(report).st_mode & 0o777) == "0o600"
    assert undeclared(demo.requests) == []


def test_dry_run_writes_the_report_and_builds_nothing(demo, playbook, tmp_path):
    report, state = tmp_path / "rebuild.csv", tmp_path / "state.json"
    run = playbook(role_play("content_rebuild", "connect_rebuild"),
                   extra_vars=dict(connect_rebuild_python="<3.11", connect_rebuild_dry_run=True,
                                   connect_rebuild_report=str(report), connect_rebuild_state_file=str(state))).ok()
    assert demo.writes() == []
    assert not state.exists()
    rows = read_csv(report)
    python310 = sorted(c["guid"] for c in demo.state.content.values() if c["py_version"] == "3.10.13")
    assert sorted(r["guid"] for r in rows) == python310 and set(r["status"] for r in rows) == {"would rebuild"}
    assert len(run["fact"]["connect_rebuild"]["rebuilt"]) == len(python310)


# Check mode (--check, with connect_rebuild_r "<4.3", a report and a state file) builds nothing and writes no file:
# test_roles_check_mode.py::test_check_mode_however_set_writes_nothing[content_rebuild---check] runs exactly that
# (and the other four ways of setting check mode) and asserts no write and no file.


def test_a_failed_build_is_reported_with_its_log_tail_and_a_rerun_resumes(demo, playbook, tmp_path):
    report, state = tmp_path / "rebuild.csv", tmp_path / "state.json"
    items = old_r(demo)
    broken = items[1]
    broken["title"] = HOSTILE
    fail_build(demo, broken, "package 'sf' needs GDAL")
    extra = dict(connect_rebuild_r="<4.3", connect_rebuild_report=str(report), connect_rebuild_state_file=str(state),
                 connect_rebuild_concurrency=2)
    run = playbook(role_play("content_rebuild", "connect_rebuild"), extra_vars=extra)
    assert run.rc != 0 and "content_rebuild: 1 of 5 builds failed" in run.stdout
    assert builds(demo) == sorted(c["guid"] for c in items)
    rows = dict((r["guid"], r) for r in read_csv(report))
    assert rows[broken["guid"]]["status"] == "failed"
    assert "package 'sf' needs GDAL" in rows[broken["guid"]]["msg"]
    assert rows[broken["guid"]]["log_tail"].endswith("Error: package 'sf' needs GDAL")
    assert rows[broken["guid"]]["title"] == "'" + HOSTILE  # a formula is written as text, the rest as it is
    assert not os.path.exists("/tmp/rebuild-pwned")
    saved = json.loads(state.read_text())
    assert saved["complete"] is False and sorted(saved["succeeded"]) == sorted(c["guid"] for c in items if c is not broken)

    # the re-run rebuilds only the item that failed; the others are skipped as rebuilt since the first run's start
    demo.clear_log()
    fail_build(demo, broken, None)
    run = playbook(role_play("content_rebuild", "connect_rebuild"), extra_vars=extra).ok()
    fact = run["fact"]["connect_rebuild"]
    assert builds(demo) == [broken["guid"]]
    assert [i["guid"] for i in fact["rebuilt"]] == [broken["guid"]] and len(fact["skipped"]) == 4
    again = json.loads(state.read_text())
    assert again["complete"] is True and again["started"] == saved["started"] and len(again["succeeded"]) == 5
    assert {r["status"] for r in read_csv(report)} == {"rebuilt", "skipped"}

    # a completed run's state starts a new run: everything that matches is rebuilt again
    demo.clear_log()
    playbook(role_play("content_rebuild", "connect_rebuild"), extra_vars=extra).ok()
    assert builds(demo) == sorted(c["guid"] for c in items)


def test_a_bad_specifier_names_the_variable_before_any_request(demo, playbook, tmp_path):
    run = playbook(role_play("content_rebuild", "connect_rebuild"), extra_vars=dict(connect_rebuild_python="3.9 or older"))
    assert run.rc != 0 and "connect_rebuild_python" in run.stdout and "is not a version specifier" in run.stdout
    assert demo.writes() == []


def test_no_specifier_says_which_variables_to_set(demo, playbook):
    run = playbook(role_play("content_rebuild", "connect_rebuild"))
    assert run.rc != 0 and "connect_rebuild_python, connect_rebuild_r or connect_rebuild_quarto" in run.stdout


def test_clear_caches_deletes_only_what_no_content_runs_and_the_dry_run_deletes_nothing(demo, playbook):
    old = old_r(demo)
    extra = dict(connect_rebuild_r="<4.3", connect_rebuild_clear_caches=True)
    # the items on R 4.2.3 are rebuilt, but (as the stand-in's build keeps their R) still run it: the cache stays
    run = playbook(role_play("content_rebuild", "connect_rebuild"), extra_vars=extra).ok()
    caches = run["fact"]["connect_rebuild"]["caches"]
    assert caches["deleted"] == [] and caches["kept"] == [dict(language="R", version="4.2.3", image_name="Local",
                                                               reason="still run by %d content items" % len(old))]
    assert not [e for e in demo.writes() if "caches" in e["path"]]

    # once no item runs R 4.2.3, the dry run asks Connect's dry_run, then the real run deletes the cache
    for item in old:
        item["r_version"] = "4.4.1"
    demo.clear_log()
    run = playbook(role_play("content_rebuild", "connect_rebuild"), extra_vars=dict(extra, connect_rebuild_dry_run=True)).ok()
    assert run["fact"]["connect_rebuild"]["caches"]["check_mode"] is True
    assert [(e["method"], e["body"]["dry_run"], e["body"]["version"]) for e in demo.writes()] == [("DELETE", True, "4.2.3")]
    assert any(c["version"] == "4.2.3" for c in demo.state.runtime_caches)
    demo.clear_log()
    run = playbook(role_play("content_rebuild", "connect_rebuild"), extra_vars=extra).ok()
    assert run["fact"]["connect_rebuild"]["caches"]["deleted"] == ["4.2.3"]
    assert not any(c["version"] == "4.2.3" for c in demo.state.runtime_caches)
    assert [c["version"] for c in demo.state.runtime_caches if c["language"] == "R"] == ["4.3.2", "4.4.1"]
    assert undeclared(demo.requests) == []
