"""What a new administrator hit on day one with the write modules: each test failed before its fix.

Real ansible-playbook runs against the stand-in, asserting on results and on the stand-in's request log.
"""

from connect_state import content_by


def test_delete_by_name_and_owner_is_idempotent(demo, playbook):
    # three owners use the name; the owner chooses, and once that owner's item is gone the task is unchanged
    demo.add_content("forecast-app", owner="alice", title="Alice's forecast")
    demo.add_content("forecast-app", owner="bob", title="Bob's forecast")
    demo.add_content("forecast-app", owner="carol", title="Carol's forecast")
    bobs = content_by(demo, "bob", "forecast-app")["guid"]
    task = """
        - name: %s
          posit.connect.connect_content: {name: forecast-app, owner: bob, state: absent}
          diff: true
    """
    run = playbook(tasks="""
    """ + task % "delete" + task % "delete again" + task % "delete again in check mode" + """
          check_mode: true
    """).ok()
    assert run["delete"]["changed"] is True
    for name in ("delete again", "delete again in check mode"):
        assert run[name]["changed"] is False, run[name]
    assert [(e["method"], e["path"]) for e in demo.writes()] == [("DELETE", "/__api__/v1/content/%s" % bobs)]
    assert sorted(c["title"] for c in demo.state.content.values() if c["name"] == "forecast-app") == [
        "Alice's forecast", "Carol's forecast"]
    # the delete's diff names the item and shows the fields that identify it, not every field
    diff = run["delete"]["diff"]
    assert diff["before_header"] == "content 'forecast-app' (%s)" % bobs
    assert set(diff["before"]) <= {"guid", "name", "title", "owner_guid", "owner", "app_mode"}
    assert diff["before"]["title"] == "Bob's forecast" and diff["before"]["owner"] == "bob"


def test_delete_by_name_and_owner_of_a_locked_owner(demo, playbook):
    # an offboarded (locked) user's item is still deleted by name and owner
    demo.add_content("old-dashboard", owner="bob", title="Old dashboard")
    demo.add_content("old-dashboard", owner="carol", title="Carol's old dashboard")
    demo.state.user_by_username("bob")["locked"] = True
    run = playbook(tasks="""
        - name: delete
          posit.connect.connect_content: {name: old-dashboard, owner: bob, state: absent}
    """).ok()
    assert run["delete"]["changed"] is True
    assert [c["title"] for c in demo.state.content.values() if c["name"] == "old-dashboard"] == [
        "Carol's old dashboard"]


def test_an_unknown_user_is_named_as_unknown(demo, playbook):
    run = playbook(tasks="""
        - name: lock a user who does not exist
          posit.connect.connect_user: {username: nosuchuser, locked: true}
          ignore_errors: true
    """)
    msg = run["lock a user who does not exist"]["msg"]
    assert msg.startswith("Option 'username': user 'nosuchuser' does not exist"), msg
    assert "Option 'password'" not in msg
    assert demo.writes() == []


def test_a_vanity_conflict_names_the_other_item(demo, playbook):
    # the single form reads no listing: the holder of /sales/ is named all the same
    holder = content_by(demo, "dave", "sales-dashboard")
    other = content_by(demo, "alice", "quarterly-report")
    run = playbook(tasks="""
        - name: take another item's path
          posit.connect.connect_content: {guid: %s, vanity_url: /sales/}
          ignore_errors: true
    """ % other["guid"])
    msg = run["take another item's path"]["msg"]
    assert "held by content 'sales-dashboard' (%s)" % holder["guid"] in msg, msg
    assert "(None)" not in msg
    assert demo.writes() == []


def test_single_form_diffs_name_the_object(demo, playbook):
    item = content_by(demo, "dave", "sales-dashboard")
    victor = demo.state.user_by_username("victor")
    run = playbook(tasks="""
        - name: content
          posit.connect.connect_content: {guid: %s, title: Sales (renamed)}
          diff: true
          check_mode: true
        - name: user
          posit.connect.connect_user: {username: victor, first_name: Vic}
          diff: true
          check_mode: true
        - name: group
          posit.connect.connect_group: {name: Finance, state: absent}
          diff: true
          check_mode: true
        - name: acl entry
          posit.connect.connect_content_permission:
            content: %s
            principal: wendy
            principal_type: user
            role: viewer
          diff: true
          check_mode: true
    """ % (item["guid"], item["guid"])).ok()
    assert run["content"]["diff"]["before_header"] == "content 'sales-dashboard' (%s)" % item["guid"]
    assert run["content"]["diff"]["after_header"] == run["content"]["diff"]["before_header"]
    assert run["user"]["diff"]["before_header"] == "user 'victor' (%s)" % victor["guid"]
    group = run["group"]["diff"]
    assert group["before_header"].startswith("group 'Finance' (")
    assert set(group["before"]) <= {"guid", "name", "owner_guid", "owner"}, group["before"]
    assert run["acl entry"]["diff"]["before_header"] == "content 'sales-dashboard' (%s): user 'wendy'" % item["guid"]
    assert demo.writes() == []


def test_check_mode_says_an_earlier_task_would_create_the_tag(demo, playbook):
    item = content_by(demo, "dave", "sales-dashboard")
    run = playbook(tasks="""
        - name: create a tag
          posit.connect.connect_tag: {path: Department/Research}
        - name: use it
          posit.connect.connect_content: {guid: %s, tags: [Department/Research]}
          ignore_errors: true
    """ % item["guid"], check=True)
    assert run["create a tag"]["changed"] is True
    msg = run["use it"]["msg"]
    assert "no tag 'Department/Research'" in msg
    assert "in check mode, a tag that an earlier task would create does not exist yet" in msg, msg
    assert demo.writes() == []
