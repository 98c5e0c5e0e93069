"""posit.connect.connect_content_permission against the stand-in: real ansible-playbook runs.

Each test asserts the module's results, the stand-in's request log and its ACL state.
"""

from connect_state import content_by, writes
from playbook_runs import localhost_play


def user_guid(server, username):
    return server.state.user_by_username(username)["guid"]


def group_guid(server, name):
    return next(g["guid"] for g in server.state.groups.values() if g["name"] == name)


def on_item(tasks, **defaults):
    """A play whose connect_content_permission tasks default to the content item %(guid)s (and these options)."""
    return localhost_play(tasks, module_defaults={"posit.connect.connect_content_permission": dict(content="%(guid)s",
                                                                                                   **defaults)})


def acl(server, item):
    return [dict(p) for p in server.state.permissions[item["guid"]]]


def test_add_change_remove_with_check_mode_diff_and_idempotence(demo, playbook):
    item = content_by(demo, "dave", "legacy-kpis")  # ACL: victor viewer, mallory viewer
    carol = user_guid(demo, "carol")
    before = acl(demo, item)
    run = playbook(on_item("""
        - name: add, check mode
          posit.connect.connect_content_permission:
          check_mode: true
        - name: add
          posit.connect.connect_content_permission:
        - name: add again
          posit.connect.connect_content_permission:
            principal_type: user
            role: viewer
            state: present
        - name: make collaborator, check mode
          posit.connect.connect_content_permission:
            role: owner
          check_mode: true
        - name: make collaborator
          posit.connect.connect_content_permission:
            role: owner
        - name: make collaborator again
          posit.connect.connect_content_permission:
            role: owner
        - name: remove, check mode
          posit.connect.connect_content_permission:
            state: absent
          check_mode: true
        - name: remove
          posit.connect.connect_content_permission:
            state: absent
        - name: remove again
          posit.connect.connect_content_permission:
            state: absent
        - name: remove again, check mode
          posit.connect.connect_content_permission:
            state: absent
          check_mode: true
    """, principal="carol") % dict(guid=item["guid"]), diff=True).ok()

    entry = dict(principal_type="user", principal_guid=carol, principal="carol")
    predicted = run["add, check mode"]
    assert predicted["changed"] is True
    assert predicted["permission"] == dict(id=None, content_guid=item["guid"], principal_guid=carol,
                                           principal_type="user", role="viewer")
    assert predicted["diff"]["before"] == {} and predicted["diff"]["after"] == dict(entry, role="viewer")

    added = run["add"]
    assert added["changed"] is True and added["diff"] == predicted["diff"]
    new_id = added["permission"]["id"]
    assert isinstance(new_id, str) and new_id
    assert added["permission"] == dict(predicted["permission"], id=new_id)

    again = run["add again"]
    assert again["changed"] is False and again["permission"] == added["permission"]
    assert again["diff"]["before"] == again["diff"]["after"]

    promote = run["make collaborator, check mode"]
    assert promote["changed"] is True and promote["permission"] == dict(added["permission"], role="owner")
    assert promote["diff"]["before"] == dict(entry, role="viewer")
    assert promote["diff"]["after"] == dict(entry, role="owner")
    assert run["make collaborator"]["changed"] is True
    assert run["make collaborator"]["permission"] == dict(added["permission"], role="owner")  # same entry id
    assert run["make collaborator"]["diff"] == promote["diff"]
    assert run["make collaborator again"]["changed"] is False

    gone = run["remove, check mode"]
    assert gone["changed"] is True and gone["permission"] is None
    assert gone["diff"]["before"] == dict(entry, role="owner") and gone["diff"]["after"] == {}
    assert run["remove"]["changed"] is True and run["remove"]["permission"] is None
    for name in ("remove again", "remove again, check mode"):
        assert run[name]["changed"] is False and run[name]["permission"] is None
        assert run[name]["diff"] == {"before": {}, "after": {}, "before_header": gone["diff"]["before_header"],
                                     "after_header": gone["diff"]["after_header"]}

    # Exactly one write per real change: check mode and repeated runs wrote nothing.
    path = "/__api__/v1/content/%s/permissions" % item["guid"]
    assert writes(demo) == [("POST", path), ("PUT", "%s/%s" % (path, new_id)), ("DELETE", "%s/%s" % (path, new_id))]
    assert acl(demo, item) == before


def test_role_change_updates_the_existing_entry(demo, playbook):
    item = content_by(demo, "dave", "churn-model-api")  # ACL: alice owner, bob viewer
    bob = user_guid(demo, "bob")
    bob_entry = next(p for p in acl(demo, item) if p["principal_guid"] == bob)
    run = playbook(tasks="""
        - name: bob becomes a collaborator, named by guid
          posit.connect.connect_content_permission:
            content: %(guid)s
            principal: %(bob)s
            role: owner
        - name: and back to viewer, by username
          posit.connect.connect_content_permission:
            content: %(guid)s
            principal: bob
            role: viewer
    """ % dict(guid=item["guid"], bob=bob)).ok()

    assert run["bob becomes a collaborator, named by guid"]["permission"] == dict(bob_entry, role="owner")
    assert run["and back to viewer, by username"]["permission"] == bob_entry
    assert "diff" not in run["and back to viewer, by username"]
    entries = acl(demo, item)
    assert len(entries) == 2 and [p for p in entries if p["principal_guid"] == bob] == [bob_entry]
    path = "/__api__/v1/content/%s/permissions/%s" % (item["guid"], bob_entry["id"])
    assert writes(demo) == [("PUT", path), ("PUT", path)]


def test_groups_by_name_and_guid_and_a_publishers_own_key(demo, playbook):
    budget = content_by(demo, "bob", "budget-report")  # ACL: victor viewer, wendy viewer
    exploration = content_by(demo, "alice", "exploration")  # ACL: carol viewer
    leadership = group_guid(demo, "Leadership")
    run = playbook(tasks="""
        - name: group as collaborator by name
          posit.connect.connect_content_permission:
            content: %(budget)s
            principal: Leadership
            principal_type: group
            role: owner
        - name: same group by guid
          posit.connect.connect_content_permission:
            content: %(budget)s
            principal: %(leadership)s
            principal_type: group
            role: owner
        - name: alice shares her own content
          posit.connect.connect_content_permission:
            content: %(exploration)s
            principal: Finance
            principal_type: group
            api_key: "{{ alice_key }}"
        - name: alice cannot change bob's content
          posit.connect.connect_content_permission:
            content: %(budget)s
            principal: erin
            api_key: "{{ alice_key }}"
          ignore_errors: true
    """ % dict(budget=budget["guid"], exploration=exploration["guid"], leadership=leadership),
        extra_vars={"alice_key": demo.keys["alice"]}).ok()

    group_entry = run["group as collaborator by name"]["permission"]
    assert run["group as collaborator by name"]["changed"] is True
    assert group_entry["principal_guid"] == leadership and group_entry["principal_type"] == "group"
    assert group_entry["role"] == "owner"
    assert run["same group by guid"]["changed"] is False and run["same group by guid"]["permission"] == group_entry
    shared = run["alice shares her own content"]
    assert shared["changed"] is True and shared["permission"]["principal_guid"] == group_guid(demo, "Finance")
    denied = run["alice cannot change bob's content"]
    assert denied["_status"] == "failed" and denied["error"]["status"] == 403
    assert "lacks permission" in denied["msg"]
    assert len(acl(demo, budget)) == 3 and len(acl(demo, exploration)) == 2
    assert [write[0] for write in writes(demo)] == ["POST", "POST"]  # nothing sent for the refused task


def test_bad_input_fails_clearly_without_writing(standin, playbook):
    item = content_by(standin, "dave", "quarterly-report")
    before = acl(standin, item)
    run = playbook(on_item("""
        - name: unknown user
          posit.connect.connect_content_permission:
            principal: nobody-here
          ignore_errors: true
        - name: unknown group
          posit.connect.connect_content_permission:
            principal: Nobody Here
            principal_type: group
          ignore_errors: true
        - name: group guid given as a user
          posit.connect.connect_content_permission:
            principal: %(finance)s
          ignore_errors: true
        - name: unknown content
          posit.connect.connect_content_permission:
            content: 00000000-0000-4000-8000-000000000000
            principal: bob
          ignore_errors: true
        - name: malformed content guid
          posit.connect.connect_content_permission:
            content: quarterly-report
            principal: bob
          ignore_errors: true
        - name: the owner as principal
          posit.connect.connect_content_permission:
            principal: dave
          ignore_errors: true
        - name: removing the owner
          posit.connect.connect_content_permission:
            principal: dave
            state: absent
          ignore_errors: true
        - name: a viewer as collaborator
          posit.connect.connect_content_permission:
            principal: victor
            role: owner
          ignore_errors: true
        - name: a bad role
          posit.connect.connect_content_permission:
            principal: bob
            role: editor
          ignore_errors: true
        - name: missing principal
          posit.connect.connect_content_permission:
          ignore_errors: true
    """) % dict(guid=item["guid"], finance=group_guid(standin, "Finance")))
    assert run.rc == 0, run.stdout

    def failed(name, *words):
        result = run[name]
        assert result["_status"] == "failed", (name, result)
        for word in words:
            assert word in result["msg"], (name, word, result["msg"])
        return result

    failed("unknown user", "'principal'", "no Connect user", "'nobody-here'")
    failed("unknown group", "'principal'", "no Connect group", "'Nobody Here'")
    failed("group guid given as a user", "no Connect user with guid", "principal_type: group")
    failed("unknown content", "'content'", "no content item", "00000000-0000-4000-8000-000000000000")
    failed("malformed content guid", "'content'", "is not a content guid", "'quarterly-report'")
    failed("the owner as principal", "'principal'", "'dave' owns content", "owner")
    failed("removing the owner", "'principal'", "'dave' owns content")
    failed("a viewer as collaborator", "'role'", "'victor' is a viewer")
    failed("a bad role", "role", "editor")
    failed("missing principal", "principal")

    assert standin.writes() == []
    assert acl(standin, item) == before
    # A malformed guid is refused before any request about it.
    assert not any("quarterly-report" in e["path"] for e in standin.requests)


def test_batch_removes_one_users_entries_everywhere(demo, playbook):
    """The batch form: one principal (top level) over every item; one content listing, each ACL read once."""
    victor = user_guid(demo, "victor")
    guids = sorted(demo.state.content)
    holding = sorted(g for g in guids if any(p["principal_guid"] == victor for p in demo.state.permissions[g]))
    assert len(holding) >= 2
    unknown = "6f300623-1e0c-48e6-a473-ddf630c0c0c3"
    items = [{"content": g} for g in guids] + [{"content": unknown}]
    play = localhost_play("""
        - name: remove
          posit.connect.connect_content_permission:
            principal: victor
            state: absent
            items: %s
            concurrency: 16
          ignore_errors: true
    """)
    import json
    run = playbook(play % json.dumps(items), check=True, diff=True).ok()
    result = run["remove"]
    assert demo.writes() == []
    assert result["changed_count"] == len(holding) and result["failed_count"] == 1
    assert sorted(r["guid"] for r in result["results"] if r["changed"]) == holding
    assert "'items[%d].content': no content item" % len(guids) in result["failed_items"][0]["msg"]
    assert result["diff"][0]["before"]["principal"] == "victor"
    reads = [e for e in demo.requests if e["path"].endswith("/permissions")]
    assert len(reads) == len(guids)  # every item's ACL read once
    assert len([e for e in demo.requests if e["path"] == "/__api__/v1/content"]) == 1

    demo.clear_log()
    run = playbook(play % json.dumps(items)).ok()
    assert run["remove"]["changed_count"] == len(holding)
    assert [e["method"] for e in demo.writes()] == ["DELETE"] * len(holding)
    assert not any(p["principal_guid"] == victor for perms in demo.state.permissions.values() for p in perms)
    demo.clear_log()
    run = playbook(play % json.dumps(items[:-1])).ok()
    assert run["remove"]["changed"] is False and demo.writes() == []


def test_batch_names_the_item_whose_owner_is_the_principal(demo, playbook):
    owned = [g for g, c in demo.state.content.items() if c["owner_guid"] == user_guid(demo, "dave")][:2]
    demo.state.add_user("zed", "publisher")
    run = playbook(tasks="""
        - name: present
          posit.connect.connect_content_permission:
            principal: dave
            items: [{content: %(a)s}, {content: %(b)s, principal: zed, role: owner}]
          ignore_errors: true
    """ % dict(a=owned[0], b=owned[1])).ok()
    present = run["present"]
    assert present["failed_count"] == 1 and present["failed_items"][0]["index"] == 0
    assert "'dave' owns content" in present["failed_items"][0]["msg"]
    assert present["results"][1]["status"] == "created"
    assert any(p["principal_guid"] == user_guid(demo, "zed") and p["role"] == "owner"
               for p in demo.state.permissions[owned[1]])


HOSTILE = "{{ lookup('pipe','touch /tmp/acl-all-pwned') }} {% raw %}x{% endraw %}\n\r\u2028\u0085=cmd|' /C calc'!A0 <script>\"'"


def test_all_content_removes_a_user_everywhere_but_what_they_own(demo, playbook, tmp_path):
    """all_content: the module lists the content once, leaves out what the principal owns, reads each other ACL."""
    alice = user_guid(demo, "alice")
    demo.add_content("alice-own", owner="alice")
    hostile = demo.add_content(HOSTILE, owner="dave")
    with demo.state.lock:
        demo.state.add_permission(hostile, alice, "user", "viewer")
    guids = set(demo.state.content)
    owned = set(g for g in guids if demo.state.content[g]["owner_guid"] == alice)
    holding = sorted(g for g in guids if any(p["principal_guid"] == alice for p in demo.state.permissions[g]))
    assert owned and len(holding) >= 2 and not owned & set(holding)
    play = localhost_play("""
        - name: remove
          posit.connect.connect_content_permission:
            principal: alice
            state: absent
            all_content: true
            concurrency: 16
    """)
    demo.clear_log()
    run = playbook(play, check=True, diff=True).ok()
    result = run["remove"]
    assert demo.writes() == []
    assert result["changed_count"] == len(holding) and result["failed_count"] == 0
    assert sorted(r["guid"] for r in result["results"]) == sorted(guids - owned)
    assert sorted(r["guid"] for r in result["results"] if r["changed"]) == holding
    assert next(r for r in result["results"] if r["guid"] == hostile["guid"])["name"] == HOSTILE  # data, as sent
    assert set(d["before"]["principal"] for d in result["diff"]) == {"alice"}
    assert len([e for e in demo.requests if e["path"].endswith("/permissions")]) == len(guids - owned)
    assert len([e for e in demo.requests if e["path"] == "/__api__/v1/content"]) == 1

    demo.clear_log()
    run = playbook(play).ok()
    assert run["remove"]["changed_count"] == len(holding)
    assert [e["method"] for e in demo.writes()] == ["DELETE"] * len(holding)
    assert not any(p["principal_guid"] == alice for perms in demo.state.permissions.values() for p in perms)
    demo.clear_log()
    assert playbook(play).ok()["remove"]["changed"] is False and demo.writes() == []
    assert not (tmp_path / "acl-all-pwned").exists() and not __import__("os").path.exists("/tmp/acl-all-pwned")


def test_all_content_refuses_anything_but_removing_one_principal(demo, playbook):
    item = sorted(demo.state.content)[0]
    demo.clear_log()
    run = playbook(tasks="""
        - name: grant everywhere
          posit.connect.connect_content_permission: {principal: bob, all_content: true}
          ignore_errors: true
        - name: with content
          posit.connect.connect_content_permission: {principal: bob, state: absent, all_content: true, content: %(g)s}
          ignore_errors: true
        - name: with items
          posit.connect.connect_content_permission:
            {principal: bob, state: absent, all_content: true, items: [{content: %(g)s}]}
          ignore_errors: true
        - name: without principal
          posit.connect.connect_content_permission: {state: absent, all_content: true}
          ignore_errors: true
        - name: unknown principal
          posit.connect.connect_content_permission: {principal: nobody-here, state: absent, all_content: true}
          ignore_errors: true
    """ % dict(g=item)).ok()
    for name, words in (("grant everywhere", ["'all_content' only removes", "state: absent"]),
                        ("with content", ["'all_content'", "leave out 'content' and 'items'"]),
                        ("with items", ["'all_content'", "leave out 'content' and 'items'"]),
                        ("without principal", ["principal"]),
                        ("unknown principal", ["'principal'", "no Connect user", "'nobody-here'"])):
        assert run[name]["_status"] == "failed", (name, run[name])
        for word in words:
            assert word in run[name]["msg"], (name, word, run[name]["msg"])
    assert demo.writes() == []
    assert not any(e["path"].endswith("/permissions") or e["path"] == "/__api__/v1/content" for e in demo.requests)
