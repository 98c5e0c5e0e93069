"""posit.connect.connect_content against the stand-in: real ansible-playbook runs.

Each test asserts the module's results and the stand-in's request log and state.
"""

import json

from connect_state import content_by
from playbook_runs import localhost_play


def user_guid(standin, username):
    return standin.state.user_by_username(username)["guid"]


def methods(entries):
    return [(e["method"], e["path"]) for e in entries]


def test_update_check_diff_apply_then_unchanged(demo, playbook):
    item = content_by(demo, "dave", "sales-dashboard")  # min 1, max 5, idle 3600, logged_in
    guid = item["guid"]
    run = playbook(tasks="""
        - name: predict
          posit.connect.connect_content: &change
            guid: %(guid)s
            title: Sales Dashboard (EMEA)
            description: Owned by the sales team.
            access_type: acl
            owner: bob
            locked: false
            locked_message: Back soon
            min_processes: 2
            max_conns_per_process: 30
            load_factor: 0.75
            init_timeout: 120
            connection_timeout: 3600
            read_timeout: 3600
            run_as: rstudio-connect
            run_as_current_user: false
            default_image_name: ghcr.io/acme/shiny:4.4
            reset: [idle_timeout]
            settings:
              memory_limit: 1073741824
              metrics_collection_enabled: true
          check_mode: true
          diff: true
          register: predicted
        - name: apply
          posit.connect.connect_content: *change
          diff: true
        - name: apply again
          posit.connect.connect_content: *change
          diff: true
        - name: apply again in check mode
          posit.connect.connect_content: *change
          check_mode: true
        - name: reset as in the seed's recipe
          posit.connect.connect_content:
            guid: %(guid)s
            reset: [init_timeout, min_processes]
          diff: true
    """ % dict(guid=guid)).ok()

    changes = dict(title="Sales Dashboard (EMEA)", description="Owned by the sales team.", access_type="acl",
                   owner_guid=user_guid(demo, "bob"), locked_message="Back soon", min_processes=2,
                   max_conns_per_process=30, load_factor=0.75, init_timeout=120, connection_timeout=3600,
                   read_timeout=3600, run_as="rstudio-connect", default_image_name="ghcr.io/acme/shiny:4.4",
                   idle_timeout=None, memory_limit=1073741824, metrics_collection_enabled=True)
    predicted, applied = run["predict"], run["apply"]
    assert predicted["changed"] and applied["changed"]
    # locked and run_as_current_user already had these values: not part of the change
    # the diff names the owner beside the owner guid
    assert predicted["diff"]["after"] == dict(changes, owner="bob") == applied["diff"]["after"]
    assert predicted["diff"]["before"] == applied["diff"]["before"]
    assert predicted["diff"]["before"]["owner"] and predicted["diff"]["before"]["owner"] != "bob"
    assert applied["diff"]["before"]["idle_timeout"] == 3600 and applied["diff"]["before"]["min_processes"] == 1
    # the prediction is the item a real run returns
    for field in ("guid", "name", "app_mode", "max_processes") + tuple(changes):
        assert predicted["content"][field] == applied["content"][field], field
    assert applied["content"]["owner_guid"] == user_guid(demo, "bob")

    for name in ("apply again", "apply again in check mode"):
        assert run[name]["changed"] is False and run[name]["content"]["title"] == "Sales Dashboard (EMEA)"
    header = "content 'sales-dashboard' (%s)" % guid
    assert run["apply again"]["diff"] == dict(before={}, after={}, before_header=header, after_header=header)

    reset = run["reset as in the seed's recipe"]
    assert reset["changed"] and reset["diff"] == dict(before=dict(init_timeout=120, min_processes=2),
                                                      after=dict(init_timeout=None, min_processes=None),
                                                      before_header=header, after_header=header)
    stored = demo.state.content[guid]
    assert stored["init_timeout"] is None and stored["min_processes"] is None and stored["max_processes"] == 5
    assert stored["memory_limit"] == 1073741824 and stored["owner_guid"] == user_guid(demo, "bob")

    # one PATCH for the change and one for the reset; nothing from check mode or the re-runs
    patches = list(demo.writes())
    assert methods(patches) == [("PATCH", "/__api__/v1/content/%s" % guid)] * 2
    assert set(patches[0]["body"]) == set(changes) and "locked" not in patches[0]["body"]
    assert patches[1]["body"] == dict(init_timeout=None, min_processes=None)


def test_create_update_delete_by_name(demo, playbook):
    run = playbook(tasks="""
        - name: create in check mode
          posit.connect.connect_content: &create
            name: capacity-plan
            title: Capacity Plan
            access_type: logged_in
            owner: carol
            locked: true
            locked_message: Not yet published
            max_processes: 3
            settings: {cpu_limit: 1.5}
          check_mode: true
          diff: true
        - name: create
          posit.connect.connect_content: *create
          diff: true
          register: created
        - name: create again
          posit.connect.connect_content: *create
        - name: rename by guid
          posit.connect.connect_content:
            guid: "{{ created.content.guid }}"
            name: capacity-plan-2026
        - name: delete in check mode
          posit.connect.connect_content:
            name: capacity-plan-2026
            state: absent
          check_mode: true
        - name: delete
          posit.connect.connect_content:
            name: capacity-plan-2026
            state: absent
          diff: true
        - name: delete again
          posit.connect.connect_content:
            name: capacity-plan-2026
            state: absent
        - name: delete an unknown guid
          posit.connect.connect_content:
            guid: 00000000-0000-4000-8000-000000000000
            state: absent
    """).ok()

    wanted = dict(name="capacity-plan", title="Capacity Plan", access_type="logged_in",
                  owner_guid=user_guid(demo, "carol"), locked=True, locked_message="Not yet published",
                  max_processes=3, cpu_limit=1.5)
    predicted = run["create in check mode"]
    assert predicted["changed"] and predicted["content"] == wanted and "guid" not in predicted["content"]
    assert predicted["diff"] == dict(before={}, after=dict(wanted, owner="carol"),
                                     before_header="content 'capacity-plan' (new)",
                                     after_header="content 'capacity-plan' (new)")
    created = run["create"]
    assert created["changed"] and created["diff"] == predicted["diff"]
    guid = created["content"]["guid"]
    for field, value in wanted.items():
        assert created["content"][field] == value, field
    assert run["create again"]["changed"] is False and run["create again"]["content"]["guid"] == guid
    assert run["rename by guid"]["changed"] and run["rename by guid"]["content"]["name"] == "capacity-plan-2026"
    assert run["delete in check mode"]["changed"] and run["delete in check mode"]["content"] == {}
    assert run["delete"]["changed"] and run["delete"]["diff"]["before"]["guid"] == guid
    assert run["delete"]["diff"]["after"] == {}
    assert run["delete again"]["changed"] is False and run["delete an unknown guid"]["changed"] is False
    assert guid not in demo.state.content

    path = "/__api__/v1/content/%s" % guid
    writes = demo.writes()
    assert methods(writes) == [("POST", "/__api__/v1/content"), ("PATCH", path), ("PATCH", path), ("DELETE", path)]
    # POST carries the creatable fields, the one PATCH after it the rest
    assert writes[0]["body"] == dict(name="capacity-plan", title="Capacity Plan", access_type="logged_in",
                                     max_processes=3, cpu_limit=1.5)
    assert writes[1]["body"] == dict(owner_guid=user_guid(demo, "carol"), locked=True,
                                     locked_message="Not yet published")
    assert writes[2]["body"] == dict(name="capacity-plan-2026")


def test_bad_input_fails_clearly_and_writes_nothing(demo, playbook):
    sales = content_by(demo, "dave", "sales-dashboard")["guid"]
    run = playbook(tasks="""
        - {name: unknown guid, posit.connect.connect_content: {guid: 00000000-0000-4000-8000-000000000000, title: New},
           ignore_errors: true}
        - {name: malformed guid, posit.connect.connect_content: {guid: "1234", title: New}, ignore_errors: true}
        - {name: ambiguous name, posit.connect.connect_content: {name: quarterly-report, title: Report},
           ignore_errors: true}
        - {name: viewer as owner, posit.connect.connect_content: {guid: "%(sales)s", owner: victor},
           ignore_errors: true}
        - {name: unknown owner, posit.connect.connect_content: {guid: "%(sales)s", owner: nobody-here},
           ignore_errors: true}
        - {name: invalid access_type, posit.connect.connect_content: {guid: "%(sales)s", access_type: public},
           ignore_errors: true}
        - {name: wrong type, posit.connect.connect_content: {guid: "%(sales)s", min_processes: lots},
           ignore_errors: true}
        - {name: unknown setting, posit.connect.connect_content: {guid: "%(sales)s", settings: {app_mode: shiny}},
           ignore_errors: true}
        - {name: setting of the wrong type, posit.connect.connect_content: {guid: "%(sales)s", settings: {otel_enabled: [1]}},
           ignore_errors: true}
        - {name: negative timeout, posit.connect.connect_content: {guid: "%(sales)s", idle_timeout: -1},
           ignore_errors: true}
        - {name: min over current max, posit.connect.connect_content: {guid: "%(sales)s", min_processes: 9},
           ignore_errors: true}
        - {name: reset a required field, posit.connect.connect_content: {guid: "%(sales)s", reset: [access_type]},
           ignore_errors: true}
        - {name: neither guid nor name, posit.connect.connect_content: {title: x}, ignore_errors: true}
        - {name: bad concurrency, posit.connect.connect_content: {guid: "%(sales)s", concurrency: 0},
           ignore_errors: true}
        - {name: invalid new name, posit.connect.connect_content: {name: "my report!"}, ignore_errors: true}
        - {name: server refuses (publisher changing owner), ignore_errors: true,
           posit.connect.connect_content: {guid: "%(sales)s", owner: bob, api_key: "%(alice)s"}}
    """ % dict(sales=sales, alice=demo.keys["alice"]))
    messages = run.failed({
        "unknown guid": "Option 'guid': no content with guid 00000000-0000-4000-8000-000000000000",
        "malformed guid": "Option 'guid': '1234' is not a content guid",
        "viewer as owner": "Option 'owner': user 'victor' is a viewer; content can only be owned by a publisher",
        "unknown owner": "Option 'owner': no Connect user with username or guid 'nobody-here'",
        "invalid access_type": "value of access_type must be one of: all, logged_in, acl, got: public",
        "wrong type": "min_processes",
        "unknown setting": "Option 'settings': 'app_mode' is not a writable content field. Writable fields: access_type,",
        "setting of the wrong type": "Option 'settings.otel_enabled': otel_enabled must be a boolean",
        "negative timeout": "Option 'idle_timeout' must be 0 or more, got -1.",
        "min over current max": "min_processes (9) is greater than max_processes (5, its current value)",
        "reset a required field": "Option 'reset': 'access_type' cannot be reset",
        "neither guid nor name": "one of the following is required: guid, name, items",
        "bad concurrency": "Option 'concurrency' must be between 1 and 64, got 0.",
        "invalid new name": "Option 'name': 'my report!' is not a valid content name",
        "server refuses (publisher changing owner)": "PATCH /__api__/v1/content/%s failed: HTTP 403" % sales,
    })
    assert "unable to convert to int" in messages["wrong type"]
    ambiguous = messages["ambiguous name"]
    assert "2 content items are named 'quarterly-report'" in ambiguous
    for owner in ("dave", "alice"):
        assert "%s (owner %s)" % (content_by(demo, owner, "quarterly-report")["guid"], owner) in ambiguous
    assert "Only administrators may change the owner" in messages["server refuses (publisher changing owner)"]
    assert run["server refuses (publisher changing owner)"]["error"]["code_name"] == "PermissionDenied"
    # the only write is the one the server refused; the key never shows up
    assert [(e["method"], e["status"]) for e in demo.writes()] == [("PATCH", 403)]
    assert demo.keys["alice"] not in run.stdout + json.dumps(run.results)


def test_name_with_owner_chooses_among_same_names(demo, playbook):
    run = playbook(tasks="""
        - name: alice's report
          posit.connect.connect_content: {name: quarterly-report, owner: alice, title: Alice's Quarterly Report}
    """).ok()
    item = content_by(demo, "alice", "quarterly-report")
    assert run["alice's report"]["changed"] and run["alice's report"]["content"]["guid"] == item["guid"]
    assert item["title"] == "Alice's Quarterly Report"
    assert content_by(demo, "dave", "quarterly-report")["title"] == "Quarterly Report"
    assert methods(demo.writes()) == [("PATCH", "/__api__/v1/content/%s" % item["guid"])]


def test_lost_create_response_is_not_repeated(demo, playbook):
    demo.set_faults([{"kind": "drop", "method": "POST", "after_write": True, "count": 1}])
    run = playbook(tasks="""
        - name: create
          posit.connect.connect_content: {name: lost-and-found, title: Lost and Found, owner: bob}
    """).ok()
    created = run["create"]
    assert created["changed"] and created["content"]["owner_guid"] == user_guid(demo, "bob")
    assert any("found the created item" in w for w in created.get("warnings", []))
    posts = [e for e in demo.requests if e["method"] == "POST"]
    assert len(posts) == 1 and posts[0]["fault"]
    assert sum(1 for c in demo.state.content.values() if c["name"] == "lost-and-found") == 1


def seed_items(standin, count, owner="dave"):
    guids = []
    with standin.state.lock:
        for n in range(count):
            guids.append(standin.add_content("bulk-%04d" % n, owner=owner, title="Bulk %d" % n,
                                             app_mode="static")["guid"])
    return guids


def test_batch_moves_hundreds_with_one_read(demo, playbook):
    guids = seed_items(demo, 300)
    bob = user_guid(demo, "bob")
    for guid in guids[:100]:  # a third already belong to bob
        demo.state.content[guid]["owner_guid"] = bob
    book = localhost_play("""
        - name: move
          posit.connect.connect_content:
            owner: bob
            concurrency: 16
            items: "{{ items_list }}"
    """)
    items = [dict(guid=g) for g in guids]
    demo.clear_log()
    check = playbook(book, check=True, diff=True, extra_vars=dict(items_list=items)).ok()["move"]
    assert check["changed"] and check["changed_count"] == 200 and check["matched"] == 300
    assert len(check["diff"]) == 200 and check["diff"][0]["after"] == dict(owner_guid=bob, owner="bob")
    assert check["results"][150]["msg"] == "would update owner_guid" and check["results"][50]["msg"] == "unchanged"
    assert demo.writes() == []

    demo.clear_log()
    applied = playbook(book, extra_vars=dict(items_list=items)).ok()["move"]
    assert applied["changed"] and applied["changed_count"] == 200 and applied["failed_count"] == 0
    assert len(applied["results"]) == 300 and applied["failed_items"] == []
    entry = applied["results"][299]
    assert entry == dict(index=299, guid=guids[299], name="bulk-0299", title="Bulk 299", changed=True,
                         failed=False, status="updated", msg="updated owner_guid", changes=dict(owner_guid=bob))
    log = demo.requests
    assert [e["path"] for e in log if e["method"] == "GET" and e["path"].startswith("/__api__/v1/content")] == \
        ["/__api__/v1/content"]
    patched = sorted(e["path"].rsplit("/", 1)[1] for e in log if e["method"] == "PATCH")
    assert patched == sorted(guids[100:]) and len(demo.writes()) == 200
    assert all(demo.state.content[g]["owner_guid"] == bob for g in guids)

    demo.clear_log()
    again = playbook(book, extra_vars=dict(items_list=items)).ok()["move"]
    assert again["changed"] is False and again["changed_count"] == 0 and again["matched"] == 300
    # the content list and the owner's lookup, nothing else
    assert demo.writes() == [] and len(demo.requests) <= 4, methods(demo.requests)
    assert [e["path"] for e in demo.requests].count("/__api__/v1/content") == 1


def test_batch_item_failures_and_per_item_options(demo, playbook):
    guids = seed_items(demo, 6, owner="alice")
    failing = guids[2]
    demo.set_faults([{"kind": "500", "method": "PATCH", "path": failing}])
    items = [
        dict(guid=guids[0]),                                           # top-level title only
        dict(guid=guids[1], title="Own Title", settings=dict(memory_limit=512)),
        dict(guid=failing),                                            # the server fails it
        dict(guid=guids[3], owner="victor"),                           # a viewer cannot own
        dict(guid="00000000-0000-4000-8000-000000000000"),             # not there
        dict(name="quarterly-report"),                                 # ambiguous
        dict(guid=guids[4], state="absent"),
        dict(name="batch-created", title="Batch Created", reset=["init_timeout"]),
        dict(guid=guids[5], max_processes=4, min_processes=2),
    ]
    book = localhost_play("""
        - name: batch
          posit.connect.connect_content:
            title: Shared Title
            items: "{{ items_list }}"
          diff: true
          ignore_errors: true
    """)
    run = playbook(book, extra_vars=dict(items_list=items))
    batch = run["batch"]
    assert batch["_status"] == "failed" and batch["changed"] is True
    assert batch["failed_count"] == 4 and batch["changed_count"] == 5 and len(batch["results"]) == 9
    assert [f["index"] for f in batch["failed_items"]] == [2, 3, 4, 5]
    assert "4 of 9 content items failed (the others were applied)" in batch["msg"]
    results = batch["results"]
    assert "Connect error 1" in results[2]["msg"] and results[2]["error"]["status"] == 500
    assert "is a viewer" in results[3]["msg"]
    assert "no content with guid 00000000-0000-4000-8000-000000000000" in results[4]["msg"]
    assert "2 content items are named 'quarterly-report'" in results[5]["msg"]
    assert [r["msg"] for r in results if not r["failed"]] == [
        "updated title", "updated memory_limit, title", "deleted", "created", "updated max_processes, min_processes, title"]
    assert len(batch["diff"]) == 5 and all("diff" in r for r in results if r["changed"])
    state = demo.state.content
    assert state[guids[0]]["title"] == "Shared Title"
    assert state[guids[1]]["title"] == "Own Title" and state[guids[1]]["memory_limit"] == 512
    assert state[failing]["title"] == "Bulk 2" and state[guids[3]]["title"] == "Bulk 3"
    assert guids[4] not in state and state[guids[5]]["min_processes"] == 2
    created = results[7]["guid"]
    assert state[created]["title"] == "Batch Created"

    # the fault is gone: re-running the items that failed for the server converges
    demo.set_faults([])
    demo.clear_log()
    fixed = [items[i] for i in (0, 1, 2, 6, 7, 8)]
    rerun = playbook(book, extra_vars=dict(items_list=fixed)).ok()["batch"]
    assert rerun["changed_count"] == 1 and rerun["results"][2]["msg"] == "updated title"
    assert [r["msg"] for r in rerun["results"] if not r["changed"]] == ["unchanged", "unchanged", "absent", "unchanged",
                                                                        "unchanged"]
    assert methods(demo.writes()) == [("PATCH", "/__api__/v1/content/%s" % failing)]
