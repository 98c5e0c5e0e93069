"""posit.connect.connect_user_offboard against the stand-in: real ansible-playbook runs, asserting results, the
request log and the stand-in's content, ACLs, groups and users."""

import json
from collections import Counter

import pytest

SHARED = "shared-notes"


def guid(server, username):
    return server.state.user_by_username(username)["guid"]


def owned(server, username):
    return sorted(c["guid"] for c in server.state.content.values() if c["owner_guid"] == guid(server, username))


def groups_of(server, username):
    return sorted(server.state.groups[g]["name"] for g in server.state.groups_of(guid(server, username)))


def share_with_dave(server, title="Shared notes"):
    """An item of alice's with dave in its access list; its guid."""
    server.add_content(SHARED, owner="alice", title=title)
    shared = next(g for g, c in server.state.content.items() if c["name"] == SHARED)
    server.state.add_permission(server.state.content[shared], guid(server, "dave"), "user", "viewer")
    return shared


def hostile(marker):
    """A name a hostile server could send: a CSV formula, quotes, template syntax, line breaks, HTML."""
    return ("=cmd|' /C calc'!A0 \"Team\", {{ lookup('pipe','touch %s') }} {%% if true %%}x{%% endif %%}"
            "\nline\r2\u2028three\u0085<script>alert(1)</script>" % marker)


OFFBOARD = """
- name: offboard
  posit.connect.connect_user_offboard:
    user: %(user)s
    to: erin
"""


def test_check_mode_diff_then_run_then_rerun(demo, playbook):
    shared = share_with_dave(demo)
    daves = owned(demo, "dave")
    assert len(daves) == 15 and groups_of(demo, "dave") == ["Data Science"]

    task = playbook(tasks=OFFBOARD % dict(user="dave"), server=demo, check=True, diff=True).ok()["offboard"]
    assert demo.writes() == []
    assert task["changed"] is True and task["locked"] is True and task["failures"] == []
    assert task["user"] == {"guid": guid(demo, "dave"), "username": "dave"}
    assert task["to"] == {"guid": guid(demo, "erin"), "username": "erin"}
    assert (task["handoff"]["changed_count"], task["access"]["changed_count"], task["groups"]["changed_count"]) == \
        (15, 1, 1)
    assert [e["guid"] for e in task["access"]["results"] if e["changed"]] == [shared] and task["lock"]["changed"]
    headers = [d.get("before_header") for d in task["diff"]]
    assert len(task["diff"]) == 18  # 15 items handed off, one ACL entry, one group, the lock
    assert any(h.startswith("content 'shared-notes'") and "user 'dave'" in h for h in headers), headers
    assert any(h.startswith("group 'Data Science'") for h in headers) and headers[-1].startswith("user 'dave'")
    assert "Would offboard dave" in task["msg"]

    demo.clear_log()
    done = playbook(tasks=OFFBOARD % dict(user="dave"), server=demo).ok()["offboard"]
    kinds = [(w["method"], w["path"].split("/")[3]) for w in demo.writes()]
    assert kinds == [("PATCH", "content")] * 15 + [("DELETE", "content"), ("DELETE", "groups"), ("POST", "users")]
    assert done["changed"] is True and done["locked"] is True and done["failures"] == []
    assert owned(demo, "dave") == [] and groups_of(demo, "dave") == []
    assert demo.state.user_by_username("dave")["locked"] is True
    assert sorted(owned(demo, "erin")) == sorted(set(owned(demo, "erin")) | set(daves))

    demo.clear_log()
    again = playbook(tasks=OFFBOARD % dict(user="dave"), server=demo).ok()["offboard"]
    assert demo.writes() == [] and again["changed"] is False and again["locked"] is False
    assert (again["handoff"]["changed_count"], again["access"]["changed_count"], again["groups"]["changed_count"]) == \
        (0, 0, 0)


def request_counts(server):
    return Counter((e["method"], e["path"], json.dumps(e.get("query"), sort_keys=True)) for e in server.requests)


def test_the_same_requests_as_the_four_modules(demo, playbook):
    """One process sends exactly what the four module tasks of the role before this module sent, with everything
    to do and with nothing to do (each request as often)."""
    four = """
- name: hand off
  posit.connect.connect_content: {owned_by: dave, owner: erin}
  register: handoff
- name: access
  posit.connect.connect_content_permission:
    {principal: "{{ handoff.owned_by.guid }}", state: absent, all_content: true}
- name: groups
  posit.connect.connect_group: {remove_members: ["{{ handoff.owned_by.guid }}"], all_groups: true}
- name: lock
  posit.connect.connect_user: {guid: "{{ handoff.owned_by.guid }}", locked: true}
"""
    share_with_dave(demo)
    for stage in ("everything to do", "nothing to do"):
        demo.clear_log()
        playbook(tasks=four, server=demo, check=True).ok()
        before = request_counts(demo)
        demo.clear_log()
        playbook(tasks=OFFBOARD % dict(user="dave"), server=demo, check=True).ok()
        after = request_counts(demo)
        assert after == before, (stage, after - before, before - after)
        playbook(tasks=four, server=demo).ok()


@pytest.mark.parametrize("user,to,words", [
    ("nobody", "erin", "Option 'user': no Connect user with username or guid 'nobody'"),
    ("dave", None, "Option 'to' is required: dave owns 15 content items"),
    ("dave", "victor", "Option 'to': user 'victor' is a viewer"),
    ("dave", "dave", "Option 'to' names dave, the user who leaves"),
    ("dave", " ", "Option 'to' must not be empty"),
])
def test_bad_input_fails_before_any_write(demo, playbook, user, to, words):
    task = "- name: offboard\n  posit.connect.connect_user_offboard:\n    user: %s\n" % user
    if to is not None:
        task += "    to: %r\n" % to
    run = playbook(tasks=task, server=demo)
    assert run.rc != 0
    result = run["offboard"]
    assert words in result["msg"], result["msg"]
    assert demo.writes() == []
    assert "handoff" not in result
    if to in (None, "dave"):
        assert result["owned"] == 15 and result["user"]["username"] == "dave"


def test_each_step_failing_as_a_whole_is_recorded_and_the_later_steps_run(demo, playbook):
    share_with_dave(demo)
    # the group list answers with a sign-in page: the groups step fails as a whole, the lock still happens
    demo.set_faults([{"kind": "html", "method": "GET", "path": r"/v1/groups$"}])
    run = playbook(tasks=OFFBOARD % dict(user="dave"), server=demo)
    task = run["offboard"]
    assert run.rc != 0 and task["_status"] == "failed"
    assert task["groups"]["failed"] is True and "results" not in task["groups"]
    assert task["failures"] == ["groups: " + task["groups"]["msg"]] and task["msg"] == task["failures"][0]
    assert (task["handoff"]["changed_count"], task["access"]["changed_count"], task["locked"]) == (15, 1, True)
    assert demo.state.user_by_username("dave")["locked"] is True and groups_of(demo, "dave") == ["Data Science"]

    # wendy owns nothing: the second content listing is the access step's; and the lock is refused
    demo.set_faults([{"kind": "html", "method": "GET", "path": r"/v1/content$", "every": 2, "count": 1},
                     {"kind": "500", "method": "POST", "path": r"/v1/users/[^/]+/lock$"}])
    demo.clear_log()
    run = playbook(tasks="- name: offboard\n  posit.connect.connect_user_offboard: {user: wendy, retries: 0}\n",
                   server=demo)
    task = run["offboard"]
    assert run.rc != 0 and [line.split(":")[0] for line in task["failures"]] == ["access", "lock"]
    assert task["access"]["failed"] is True and "results" not in task["access"]
    assert task["lock"]["failed"] is True and task["locked"] is False and task["groups"]["failed_count"] == 0
    assert demo.state.user_by_username("wendy")["locked"] is False

    # the handoff's listing fails: nothing else is done, as with bad input
    demo.set_faults([{"kind": "html", "method": "GET", "path": r"/v1/content$"}])
    demo.clear_log()
    run = playbook(tasks=OFFBOARD % dict(user="dave"), server=demo)
    assert run.rc != 0 and "handoff" not in run["offboard"] and demo.writes() == []


def test_steps_turned_off_are_skipped(demo, playbook):
    run = playbook(tasks="""
- name: offboard
  posit.connect.connect_user_offboard:
    user: dave
    to: erin
    remove_access: false
    remove_groups: false
    lock: false
""", server=demo).ok()
    task = run["offboard"]
    assert [task[step].get("skipped") for step in ("access", "groups", "lock")] == [True, True, True]
    assert task["locked"] is False and task["handoff"]["changed_count"] == 15
    assert {w["path"].split("/")[3] for w in demo.writes()} == {"content"}
    assert groups_of(demo, "dave") == ["Data Science"] and not demo.state.user_by_username("dave")["locked"]


def test_hostile_names_and_titles_are_data(demo, playbook, tmp_path):
    marker = tmp_path / "pwned"
    dave = guid(demo, "dave")
    demo.state.users[dave]["username"] = name = hostile(marker)
    share_with_dave(demo)
    first = owned(demo, "dave")[0]
    demo.state.content[first]["title"] = hostile(marker)
    science = next(g for g in demo.state.groups if demo.state.groups[g]["name"] == "Data Science")
    demo.state.groups[science]["name"] = hostile(marker)
    run = playbook(tasks=OFFBOARD % dict(user=dave), server=demo, diff=True).ok()
    task = run["offboard"]
    assert task["user"] == {"guid": dave, "username": name}
    assert task["groups"]["results"][0]["name"] == hostile(marker)
    assert [entry["title"] for entry in task["handoff"]["results"] if entry["guid"] == first] == [hostile(marker)]
    assert name in task["msg"] and task["lock"]["user"]["username"] == name
    assert not marker.exists()
    assert demo.state.users[dave]["locked"] is True
