"""plugins/filter/content_rebuild.py: which items the content_rebuild role rebuilds, and its report, summary and state."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.posit.connect.plugins.filter.content_rebuild import rebuild_outcome, rebuild_plan

CONTENT = [
    dict(guid="a", name="old-py", title="=cmd|' /C calc'!A0", app_mode="python-api", py_version="3.8.10", bundle_id="1"),
    dict(guid="b", name="new-py", app_mode="python-api", py_version="3.12.4", bundle_id="2"),
    dict(guid="c", name="old-r", app_mode="shiny", r_version="4.2.3", bundle_id="3"),
    dict(guid="d", name="r-4.10", app_mode="shiny", r_version="4.10.0", bundle_id="4"),
    dict(guid="e", name="quarto", app_mode="quarto-static", quarto_version="1.3.450", bundle_id="5"),
    dict(guid="f", name="no-versions", app_mode="static"),  # every field may be missing
    dict(guid="g", name="odd", app_mode="shiny", r_version="not a version"),
]


def guids(rows):
    return [row["guid"] for row in rows]


def test_versions_compare_as_versions_not_text():
    assert guids(rebuild_plan(CONTENT, python="<3.9")["build"]) == ["a"]
    assert guids(rebuild_plan(CONTENT, r="<4.3")["build"]) == ["c"]  # 4.10.0 is newer than 4.3, though "4.10" < "4.3"
    assert guids(rebuild_plan(CONTENT, r=">=4.3")["build"]) == ["d"]
    assert guids(rebuild_plan(CONTENT, quarto="<1.4", python="<3.9")["build"]) == ["a", "e"]
    assert rebuild_plan(CONTENT, python="<3.9")["build"][0]["runtime"] == "python 3.8.10"


@pytest.mark.parametrize("variables,message", [
    (dict(python="3.9 or older"), "connect_rebuild_python: '3.9 or older' is not a version specifier"),
    (dict(r="<<4"), "connect_rebuild_r"),
    (dict(), "Set connect_rebuild_python, connect_rebuild_r or connect_rebuild_quarto"),
    (dict(python="  ", r=""), "Set connect_rebuild_python"),
])
def test_bad_or_missing_specifiers_name_the_variable(variables, message):
    with pytest.raises(AnsibleFilterError, match=message.replace("(", r"\(").replace("|", r"\|")):
        rebuild_plan(CONTENT, **variables)


def result(*entries, **top):
    return dict(results=list(entries), **top)


def test_outcome_rows_summary_and_state():
    plan = rebuild_plan(CONTENT, python="<3.9", r="<4.3", now="T1")
    built = result(dict(guid="a", failed=False, task=dict(id="t1"), output=[]),
                   dict(guid="c", failed=True, msg="The build failed", task=dict(id="t2"), output=["step", "Error: x"]))
    outcome = rebuild_outcome(plan, built, now="T2")
    assert [(r["guid"], r["status"]) for r in outcome["rows"]] == [("a", "rebuilt"), ("c", "failed")]
    assert outcome["rows"][1]["log_tail"] == "step | Error: x" and outcome["rows"][1]["msg"] == "The build failed"
    assert outcome["rows"][0]["title"] == CONTENT[0]["title"]  # data; to_csv quotes the formula
    assert outcome["failed"][0]["log_tail"] == ["step", "Error: x"]
    assert outcome["state"] == dict(started="T1", complete=False, succeeded={"a": "T2"})

    # resumed: the state of the incomplete run keeps its start and skips what it rebuilt
    again = rebuild_plan(CONTENT, python="<3.9", r="<4.3", now="T3", state=outcome["state"])
    assert again["started"] == "T1" and guids(again["build"]) == ["c"] and guids(again["skipped"]) == ["a"]
    final = rebuild_outcome(again, result(dict(guid="c", failed=False, task=dict(id="t3"))), now="T4",
                            state=outcome["state"])
    assert final["state"] == dict(started="T1", complete=True, succeeded={"a": "T2", "c": "T4"})
    assert [r["status"] for r in final["rows"]] == ["rebuilt", "skipped"]

    # a completed run's state starts anew
    fresh = rebuild_plan(CONTENT, python="<3.9", r="<4.3", now="T5", state=final["state"])
    assert fresh["started"] == "T5" and guids(fresh["build"]) == ["a", "c"] and fresh["skipped"] == []


def test_a_dry_run_records_nothing_as_rebuilt():
    plan = rebuild_plan(CONTENT, python="<3.9", now="T1")
    outcome = rebuild_outcome(plan, result(dict(guid="a", failed=False), check_mode=True), now="T2")
    assert outcome["rows"][0]["status"] == "would rebuild"
    assert outcome["state"] == dict(started="T1", complete=False, succeeded={})
    assert rebuild_outcome(plan, None, now="T2", dry_run=True)["failed"][0]["msg"] == "not built"


def test_a_build_task_that_failed_as_a_whole_gives_its_message_to_every_item():
    plan = rebuild_plan(CONTENT, python="<3.9", r="<4.3", now="T1")
    outcome = rebuild_outcome(plan, dict(failed=True, msg="GET /__api__/v1/content timed out"), now="T2")
    timed_out = "GET /__api__/v1/content timed out"
    assert [(f["guid"], f["msg"]) for f in outcome["failed"]] == [("a", timed_out), ("c", timed_out)]


def test_caches_of_old_versions_go_only_when_no_content_runs_them():
    from ansible_collections.posit.connect.plugins.filter.content_rebuild import rebuild_caches
    caches = [dict(language="R", version="4.2.3", image_name="Local"), dict(language="R", version="4.1.0", image_name="img"),
              dict(language="R", version="4.4.1", image_name="Local"), dict(language="Python", version="3.8.10", image_name="Local"),
              dict(language="Quarto", version="1.3.450", image_name="Local"), dict(version="4.0.0")]
    found = rebuild_caches(caches, CONTENT, r="<4.3")
    assert found["delete"] == [dict(language="R", version="4.1.0", image_name="img")]
    assert found["kept"] == [dict(language="R", version="4.2.3", image_name="Local", reason="still run by 1 content items")]
    assert [c["version"] for c in rebuild_caches(caches, CONTENT, python="<3.9")["kept"]] == ["3.8.10"]
    with pytest.raises(AnsibleFilterError, match="connect_rebuild_r"):
        rebuild_caches(caches, CONTENT, r="old")
