"""posit.connect.user_offboarding against the stand-in: dry run and every way of setting check mode write
nothing, the run (handoff, ACLs, groups, lock, in that order), the report, the re-run, and bad variables."""

import csv
import json
import stat
import urllib.request

import pytest

from playbook_runs import role_play

PLAY = role_play("user_offboarding", "connect_offboard")
VARS = dict(connect_offboard_user="dave", connect_offboard_to="erin")


def guid(server, username):
    return server.state.user_by_username(username)["guid"]


def owned(server, username):
    return sorted(c["guid"] for c in server.state.content.values() if c["owner_guid"] == guid(server, username))


def acl_items(server, username):
    user = guid(server, username)
    return sorted(g for g, perms in server.state.permissions.items() if any(p["principal_guid"] == user for p in perms))


def groups_of(server, username):
    return sorted(server.state.groups[g]["name"] for g in server.state.groups_of(guid(server, username)))


def rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_dry_run_then_run_then_rerun(org, playbook, tmp_path):
    org.add_content("shared-notes", owner="alice", title="Shared notes")
    shared = next(g for g, c in org.state.content.items() if c["name"] == "shared-notes")
    org.state.add_permission(org.state.content[shared], guid(org, "dave"), "user", "viewer")
    daves, acl, groups = owned(org, "dave"), acl_items(org, "dave"), groups_of(org, "dave")
    assert len(daves) == 15 and acl == [shared] and groups == ["Data Science"]

    report = tmp_path / "dry.csv"
    dry = playbook(PLAY, server=org, extra_vars=dict(VARS, connect_offboard_dry_run=True,
                                                     connect_offboard_report=str(report))).ok()
    fact = dry["fact"]["connect_offboard"]
    assert org.writes() == []
    assert (fact["handoff"]["changed"], fact["access"]["changed"], fact["groups"]["changed"], fact["locked"]) == \
        (15, 1, 1, True)
    got = rows(report)
    assert [r["step"] for r in got] == ["handoff"] * 15 + ["access", "group", "lock"]
    assert {r["result"] for r in got[:15]} == {"would move to erin"}
    assert got[15]["guid"] == shared and got[15]["result"] == "would remove from the access list"
    assert got[16]["name"] == "Data Science" and got[17]["result"] == "would lock"

    org.clear_log()
    report = tmp_path / "run.csv"
    run = playbook(PLAY, server=org, extra_vars=dict(VARS, connect_offboard_report=str(report))).ok()
    fact = run["fact"]["connect_offboard"]
    assert (fact["handoff"]["changed"], fact["access"]["changed"], fact["groups"]["changed"], fact["locked"]) == \
        (15, 1, 1, True)
    assert owned(org, "dave") == [] and acl_items(org, "dave") == [] and groups_of(org, "dave") == []
    assert org.state.user_by_username("dave")["locked"] is True
    kinds = [(w["method"], w["path"].split("/")[3]) for w in org.writes()]
    assert kinds == [("PATCH", "content")] * 15 + [("DELETE", "content"), ("DELETE", "groups"), ("POST", "users")]
    assert [r["result"] for r in rows(report)][-3:] == ["removed from the access list", "removed from the group",
                                                        "locked"]
    acl_reads = [e for e in org.requests if e["path"].endswith("/permissions")]
    assert len(acl_reads) == len(org.state.content) - 0  # every item's ACL read once (dave owns none by then)

    org.clear_log()
    again = playbook(PLAY, server=org, extra_vars=dict(VARS, connect_offboard_report=str(report))).ok()
    fact = again["fact"]["connect_offboard"]
    assert org.writes() == []
    assert (fact["handoff"]["changed"], fact["access"]["changed"], fact["groups"]["changed"], fact["locked"]) == \
        (0, 0, 0, False)
    assert [r["result"] for r in rows(report)] == ["already locked"]


# Check mode however it is set (--check, play, block, include_role apply, import_role): this role's cases of
# tests/integration/test_roles_check_mode.py, which assert the same fact and that no report is written.


def test_bad_variables_fail_before_any_write(org, playbook):
    cases = {
        "unknown user": (dict(connect_offboard_user="nobody", connect_offboard_to="erin"),
                         "connect_offboard_user: no Connect user with username or guid 'nobody'"),
        "no new owner": (dict(connect_offboard_user="dave"), "connect_offboard_to is required: dave owns 15"),
        "viewer as new owner": (dict(connect_offboard_user="dave", connect_offboard_to="victor"),
                                "user_offboarding: connect_offboard_to: user 'victor' is a viewer"),
        "themselves as new owner": (dict(connect_offboard_user="dave", connect_offboard_to="dave"),
                                    "connect_offboard_to names dave, the user who leaves"),
    }
    for name, (extra, words) in cases.items():
        run = playbook(PLAY, server=org, extra_vars=extra)
        assert run.rc != 0, name
        assert words in run.stdout, (name, run.stdout[-2000:])
        assert "Option '" not in run.stdout, (name, "the role names its own variable, not the module's option")
    assert org.writes() == []
    # a user without content needs no new owner; a guid selects as a username does
    run = playbook(PLAY, server=org, extra_vars=dict(connect_offboard_user=guid(org, "wendy"))).ok()
    assert run["fact"]["connect_offboard"]["locked"] is True and org.state.user_by_username("wendy")["locked"]


def test_a_name_clash_is_reported_and_the_rest_done_and_the_rerun_finishes(org, playbook, tmp_path):
    # dave and alice both own a quarterly-report: handing dave's to alice clashes
    report = tmp_path / "clash.csv"
    run = playbook(PLAY, server=org, extra_vars=dict(connect_offboard_user="dave", connect_offboard_to="alice",
                                                     connect_offboard_report=str(report)))
    assert run.rc != 0 and "handoff: 1 of 15 content items failed" in run.stdout
    got = rows(report)
    failed = [r for r in got if r["result"].startswith("failed")]
    assert len(failed) == 1 and failed[0]["name"] == "quarterly-report" and "DuplicateName" in failed[0]["result"]
    assert len(owned(org, "dave")) == 1 and org.state.user_by_username("dave")["locked"] is True
    assert groups_of(org, "dave") == []
    # rename the clashing item, then the re-run finishes the handoff
    org.state.content[owned(org, "dave")[0]]["name"] = "quarterly-report-dave"
    org.state.names = dict(((c["owner_guid"], c["name"]), g) for g, c in org.state.content.items())
    again = playbook(PLAY, server=org, extra_vars=dict(connect_offboard_user="dave", connect_offboard_to="alice")).ok()
    assert again["fact"]["connect_offboard"]["handoff"]["changed"] == 1 and owned(org, "dave") == []


def served_groups(server):
    request = urllib.request.Request(server.url + "/__api__/v1/groups",
                                     headers={"Authorization": "Key " + server.keys["admin"]})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)["results"]


@pytest.fixture
def recorded_groups(org, monkeypatch):
    """The stand-in's group lists shaped as real Connect 2024.08 and 2025.04 answers (the recording
    posit-sdk-py/__api__/v1/groups.json): guid, name and owner_guid only, no member_count."""
    real = org.state.group_out
    monkeypatch.setattr(org.state, "group_out", lambda group, version=None: dict(
        (key, value) for key, value in real(group, version).items() if key in ("guid", "name", "owner_guid")),
        raising=False)
    assert all(sorted(group) == ["guid", "name", "owner_guid"] for group in served_groups(org))
    org.clear_log()
    return org


def hostile(marker):
    """A name a hostile server could send: a CSV formula, quotes, template syntax, line breaks, HTML."""
    return ("=cmd|' /C calc'!A0 \"Team\", {{ lookup('pipe','touch %s') }} {%% if true %%}x{%% endif %%}"
            "\nline\r2\u2028three\u0085<script>alert(1)</script>" % marker)


def test_groups_without_member_count_dry_run_check_mode_and_run(recorded_groups, playbook, tmp_path):
    org = recorded_groups
    marker = tmp_path / "pwned"
    science = next(g for g in org.state.groups if org.state.groups[g]["name"] == "Data Science")
    org.state.groups[science]["name"] = name = hostile(marker)

    report = tmp_path / "dry.csv"
    dry = playbook(PLAY, server=org, extra_vars=dict(VARS, connect_offboard_dry_run=True,
                                                     connect_offboard_report=str(report))).ok()
    assert org.writes() == []
    fact = dry["fact"]["connect_offboard"]
    assert (fact["groups"]["changed"], fact["locked"]) == (1, True)
    got = rows(report)
    assert [r["step"] for r in got][-2:] == ["group", "lock"] and got[-2]["guid"] == science
    assert got[-2]["name"] in (name, "'" + name)  # the to_csv filter may mark a formula as text
    assert got[-2]["result"] == "would remove from the group" and got[-1]["result"] == "would lock"
    assert stat.S_IMODE(report.stat().st_mode) == 0o600

    checked = playbook(PLAY, server=org, check=True, extra_vars=VARS).ok()
    assert org.writes() == [] and checked["fact"]["connect_offboard"]["groups"]["changed"] == 1

    report = tmp_path / "run.csv"
    run = playbook(PLAY, server=org, extra_vars=dict(VARS, connect_offboard_report=str(report))).ok()
    assert run["fact"]["connect_offboard"]["failures"] == []
    assert groups_of(org, "dave") == [] and org.state.user_by_username("dave")["locked"] is True
    assert [r["result"] for r in rows(report)][-2:] == ["removed from the group", "locked"]
    assert not marker.exists()
    # every group's members were read (no count to skip the empty ones by), and only dave's group written
    member_reads = {e["path"].split("/")[4] for e in org.requests if e["path"].endswith("/members")}
    assert member_reads == set(org.state.groups)
    assert [(w["method"], w["path"]) for w in org.writes() if "/groups/" in w["path"]] == \
        [("DELETE", "/__api__/v1/groups/%s/members/%s" % (science, guid(org, "dave")))]


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_failed_step_still_locks_and_writes_the_report_then_fails(org, playbook, tmp_path, dry_run):
    org.add_content("shared-notes", owner="alice", title="Shared notes")
    shared = next(g for g, c in org.state.content.items() if c["name"] == "shared-notes")
    org.state.add_permission(org.state.content[shared], guid(org, "dave"), "user", "viewer")
    # The group list cannot be read (a sign-in page answers): the groups step fails as a whole.
    org.set_faults([{"kind": "html", "method": "GET", "path": r"/v1/groups$"}])
    report = tmp_path / "failed.csv"
    run = playbook(PLAY, server=org, extra_vars=dict(VARS, connect_offboard_dry_run=dry_run,
                                                     connect_offboard_report=str(report),
                                                     connect_offboard_report_mode="0640"))
    assert run.rc != 0 and "user_offboarding: groups: " in run.stdout, run.stdout[-3000:]
    got = rows(report)
    assert [r["step"] for r in got] == ["handoff"] * 15 + ["access", "groups", "lock"]
    assert (got[16]["guid"], got[16]["name"]) == ("", "") and got[16]["result"].startswith("failed: ")
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    if dry_run:
        assert org.writes() == [] and got[-1]["result"] == "would lock"
        assert org.state.user_by_username("dave")["locked"] is False
    else:
        assert got[-1]["result"] == "locked" and org.state.user_by_username("dave")["locked"] is True
        assert owned(org, "dave") == [] and acl_items(org, "dave") == []
        assert groups_of(org, "dave") == ["Data Science"]  # the step that failed; a re-run finishes it


def test_the_fixed_cost_is_one_module_call(org, playbook):
    # Each module call costs about a second however little it does: one posit.connect.connect_user_offboard task
    # finds the user and runs the four steps (it lists the content and the groups itself); the check after it and
    # the fact are cheap controller tasks.
    user = guid(org, "wendy")
    org.clear_log()
    run = playbook(PLAY, server=org, extra_vars=dict(connect_offboard_user=user)).ok()
    called = [result["_action"] for name, result in run.results.items() if result["_action"].startswith("posit.connect.")]
    assert called == ["posit.connect.connect_user_offboard"]
    assert run["fact"]["connect_offboard"]["user"] == {"guid": user, "username": "wendy"}
    assert run["fact"]["connect_offboard"]["locked"] is True
    assert org.state.user_by_username("wendy")["locked"] is True
