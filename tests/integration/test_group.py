"""posit.connect.connect_group against the stand-in: real ansible-playbook runs, asserting results, the
request log and the stand-in's groups and members."""

import json
import os

from connect_standin import StandIn
from connect_state import writes


def group(server, name):
    return next((g for g in server.state.groups.values() if g["name"] == name), None)


def members(server, name):
    return sorted(server.state.users[g]["username"] for g in server.state.members[group(server, name)["guid"]])


def test_create_members_check_mode_diff_and_idempotence(demo, playbook):
    body = """
- name: create, check mode
  posit.connect.connect_group:
    name: Analysts
    members: [alice, bob]
  check_mode: true
  diff: true
- name: add to an existing group, check mode
  posit.connect.connect_group:
    name: Finance
    members: [alice, erin]
  check_mode: true
  diff: true
"""
    run = playbook(tasks=body).ok()
    assert run["create, check mode"]["changed"] is True and run["create, check mode"]["group"]["guid"] is None
    assert run["create, check mode"]["diff"]["after"] == {"name": "Analysts", "members": ["alice", "bob"]}
    diff = run["add to an existing group, check mode"]["diff"]
    assert diff["before"] == {"members": ["erin", "victor", "wendy"]}
    assert diff["after"] == {"members": ["alice", "erin", "victor", "wendy"]}  # usernames, at least these
    assert demo.writes() == [] and group(demo, "Analysts") is None

    alice = demo.state.user_by_username("alice")["guid"]
    body = """
- name: create
  posit.connect.connect_group: &analysts
    name: Analysts
    members: [alice, %s]
- name: again
  posit.connect.connect_group: *analysts
- name: purge
  posit.connect.connect_group:
    name: Analysts
    members: [bob]
    purge_members: true
  diff: true
- name: remove
  posit.connect.connect_group:
    name: Analysts
    remove_members: [bob]
- name: delete
  posit.connect.connect_group:
    name: Analysts
    state: absent
- name: delete again
  posit.connect.connect_group:
    name: Analysts
    state: absent
""" % alice
    demo.clear_log()
    run = playbook(tasks=body).ok()
    created = run["create"]
    assert created["changed"] is True and created["group"]["member_count"] == 1
    assert run["again"]["changed"] is False
    assert run["purge"]["diff"]["before"] == {"members": ["alice"]} and run["purge"]["diff"]["after"] == {"members": ["bob"]}
    assert run["purge"]["group"]["member_count"] == 1
    assert run["remove"]["changed"] is True and run["delete"]["changed"] is True and run["delete"]["group"] is None
    assert run["delete again"]["changed"] is False
    guid = created["group"]["guid"]
    bob = demo.state.user_by_username("bob")["guid"]
    assert writes(demo) == [
        ("POST", "/__api__/v1/groups"), ("POST", "/__api__/v1/groups/%s/members" % guid),
        ("POST", "/__api__/v1/groups/%s/members" % guid), ("DELETE", "/__api__/v1/groups/%s/members/%s" % (guid, alice)),
        ("DELETE", "/__api__/v1/groups/%s/members/%s" % (guid, bob)), ("DELETE", "/__api__/v1/groups/%s" % guid)]


def test_rename_errors_before_any_write_and_batch(demo, playbook):
    finance = group(demo, "Finance")["guid"]
    items = [{"name": "Finance and Ops"}, {"name": "Leadership", "members": ["carol"]}, {"name": "Platform Team"}]
    body = """
- name: unknown member
  posit.connect.connect_group:
    name: Finance
    members: [alice, nobody]
  ignore_errors: true
- name: rename onto an existing name
  posit.connect.connect_group:
    guid: %(finance)s
    name: Leadership
  ignore_errors: true
- name: unknown guid
  posit.connect.connect_group:
    guid: 6f300623-1e0c-48e6-a473-ddf630c0c0c3
  ignore_errors: true
- name: rename
  posit.connect.connect_group:
    guid: %(finance)s
    name: Finance and Ops
  diff: true
- name: batch
  posit.connect.connect_group:
    remove_members: [victor]
    items: %(with_ghost)s
  ignore_errors: true
- name: batch again
  posit.connect.connect_group:
    remove_members: [victor]
    items: %(items)s
""" % dict(finance=finance, with_ghost=json.dumps(items[:2] + [{"name": "Data Science", "members": ["ghost"]}] + items[2:]),
           items=json.dumps(items))
    run = playbook(tasks=body).ok()
    assert "Option 'members': no Connect user with username or guid 'nobody'" in run["unknown member"]["msg"]
    assert "a group named 'Leadership' already exists" in run["rename onto an existing name"]["msg"]
    assert "Option 'guid': no Connect group with guid" in run["unknown guid"]["msg"]
    assert run["rename"]["diff"]["after"] == {"name": "Finance and Ops"}
    batch = run["batch"]
    assert batch["_status"] == "failed" and batch["failed_count"] == 1
    assert [r["status"] for r in batch["results"]] == ["updated", "updated", "failed", "unchanged"]
    assert batch["results"][1]["changes"] == {"members": {"add": ["carol"], "remove": ["victor"]}}
    assert "'items[2].members': no Connect user" in batch["failed_items"][0]["msg"]
    assert run["batch again"]["changed"] is False
    assert members(demo, "Leadership") == ["carol", "frank", "grace"]
    assert "victor" not in members(demo, "Finance and Ops")
    # the rename first; then the batch's items are written concurrently, so their order between items may vary
    methods = [w[0] for w in writes(demo)]
    assert methods[0] == "PATCH" and sorted(methods[1:]) == ["DELETE", "DELETE", "POST"]


def test_remote_group(demo, playbook):
    demo.state.auth_provider = "ldap"
    demo.state.directory["groups"] += [dict(name="ldap-auditors", members=["alice", "bob"]), dict(name="ldap-audit")]
    body = """
- name: remote
  posit.connect.connect_group:
    name: ldap-auditors
    remote: true
- name: remote again
  posit.connect.connect_group:
    name: ldap-auditors
    remote: true
- name: ambiguous
  posit.connect.connect_group:
    name: ldap-aud
    remote: true
  ignore_errors: true
"""
    run = playbook(tasks=body).ok()
    assert run["remote"]["changed"] is True and run["remote"]["group"]["member_count"] == 2
    assert run["remote again"]["changed"] is False
    assert "candidates: 'ldap-audit', 'ldap-auditors'" in run["ambiguous"]["msg"]
    assert writes(demo) == [("PUT", "/__api__/v1/groups")]


def test_lookups_on_a_server_before_2025_04(playbook):
    """Old servers answer page 1 for every page of a prefix search: lookups by name still end and are right."""
    with StandIn(version="2024.06.0") as old:
        admin = old.state.user_by_username("admin")["guid"]
        for n in range(600):
            old.state.add_group("team-%03d" % n, admin)
        body = """
- name: the 600th of 600 groups sharing a prefix
  posit.connect.connect_group:
    name: team-599
    members: [alice]
- name: a new one among them
  posit.connect.connect_group:
    name: team-600
- name: again
  posit.connect.connect_group:
    name: team-600
"""
        run = playbook(tasks=body, server=old).ok()
        assert run["the 600th of 600 groups sharing a prefix"]["changed"] is True
        assert run["a new one among them"]["changed"] is True and run["again"]["changed"] is False
        assert [w[0] for w in writes(old)] == ["POST", "POST"]
        assert sum(1 for g in old.state.groups.values() if g["name"] == "team-600") == 1
        pages = [e for e in old.requests if e["path"] == "/__api__/v1/groups"]
        assert len(pages) < 15  # bounded: one prefix page, then the full listing once per lookup


HOSTILE = "{{ lookup('pipe','touch /tmp/group-all-pwned') }} {% raw %}x{% endraw %}\n\r\u2028\u0085=cmd|' /C calc'!A0 <script>\"'"


def test_all_groups_takes_a_user_out_of_every_group(demo, playbook):
    """all_groups: one listing of the groups; the members of every group that may hold any read, concurrently."""
    victor = demo.state.user_by_username("victor")["guid"]
    admin = demo.state.user_by_username("admin")["guid"]
    with demo.state.lock:
        demo.state.add_group(HOSTILE, admin, [victor])
        empty = demo.state.add_group("Nobody Yet", admin)
    holding = sorted(g["name"] for g in demo.state.groups.values() if victor in demo.state.members[g["guid"]])
    assert HOSTILE in holding and len(holding) >= 2
    play = """
- name: leave
  posit.connect.connect_group:
    remove_members: [victor]
    all_groups: true
"""
    demo.clear_log()
    run = playbook(tasks=play, check=True, diff=True).ok()
    result = run["leave"]
    assert demo.writes() == []
    assert sorted(r["name"] for r in result["results"] if r["changed"]) == sorted(holding)
    assert empty["guid"] not in [r["guid"] for r in result["results"]]  # no members: not read, not listed
    assert len(result["results"]) == len(demo.state.groups) - 1
    member_reads = [e["path"] for e in demo.requests if e["path"].endswith("/members")]
    assert len(member_reads) == len(demo.state.groups) - 1 and not any(empty["guid"] in p for p in member_reads)
    assert len([e for e in demo.requests if e["path"] == "/__api__/v1/groups"]) == 1
    assert all(d["before"]["members"] and "victor" in d["before"]["members"] for d in result["diff"])

    demo.clear_log()
    run = playbook(tasks=play).ok()
    assert run["leave"]["changed_count"] == len(holding)
    assert [w[0] for w in writes(demo)] == ["DELETE"] * len(holding)
    assert not any(victor in m for m in demo.state.members.values())
    demo.clear_log()
    assert playbook(tasks=play).ok()["leave"]["changed"] is False and demo.writes() == []
    assert not os.path.exists("/tmp/group-all-pwned")


def test_all_groups_only_removes_members(demo, playbook):
    demo.clear_log()
    run = playbook(tasks="""
- name: with a name
  posit.connect.connect_group: {name: Finance, remove_members: [victor], all_groups: true}
  ignore_errors: true
- name: adding
  posit.connect.connect_group: {members: [victor], all_groups: true}
  ignore_errors: true
- name: without remove_members
  posit.connect.connect_group: {all_groups: true}
  ignore_errors: true
- name: deleting every group
  posit.connect.connect_group: {remove_members: [victor], all_groups: true, state: absent}
  ignore_errors: true
- name: emptying every group
  posit.connect.connect_group: {remove_members: [victor], all_groups: true, purge_members: true}
  ignore_errors: true
- name: unknown member
  posit.connect.connect_group: {remove_members: [nobody-here], all_groups: true}
  ignore_errors: true
""").ok()
    for name, words in (("with a name", ["'all_groups'", "leave out 'name'"]),
                        ("adding", ["'all_groups'", "leave out 'members'"]),
                        ("without remove_members", ["'all_groups' needs 'remove_members'"]),
                        ("deleting every group", ["'all_groups' only removes members"]),
                        ("emptying every group", ["'all_groups' only removes members"]),
                        ("unknown member", ["no Connect user", "'nobody-here'"])):
        assert run[name]["_status"] == "failed", (name, run[name])
        for word in words:
            assert word in run[name]["msg"], (name, word, run[name]["msg"])
    assert "failed_count" not in run["unknown member"]  # the task fails once, not once per group
    assert demo.writes() == []
    assert not any(e["path"] == "/__api__/v1/groups" or e["path"].endswith("/members") for e in demo.requests)
