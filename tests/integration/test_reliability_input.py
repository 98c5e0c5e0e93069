"""Reliability matrix, input and check mode: bad input to every module fails with a clear message naming the
option before any write request; check mode over every module and role sends no write request at all."""

from playbook_runs import localhost_play


BAD_GUID = "not-a-guid"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def guid_of(standin, name):
    return next(c["guid"] for c in standin.state.content.values() if c["name"] == name)


def test_bad_input_to_every_module_fails_before_any_write(standin, playbook):
    guid = guid_of(standin, "sales-dashboard")  # min 1, max 5
    cases = {
        # task name: (module, args, expected parts of the message)
        "content bad guid": ("connect_content", {"guid": BAD_GUID, "title": "x"}, ["'guid'", BAD_GUID]),
        "content unknown owner": ("connect_content", {"guid": guid, "owner": "nobody"}, ["'owner'", "nobody"]),
        "content viewer owner": ("connect_content", {"guid": guid, "owner": "victor"}, ["'owner'", "viewer"]),
        "content bad choice": ("connect_content", {"guid": guid, "access_type": "public"},
                               ["access_type", "public", "all, logged_in, acl"]),
        "content negative": ("connect_content", {"guid": guid, "max_processes": -1}, ["max_processes", "-1"]),
        "content min above max": ("connect_content", {"guid": guid, "min_processes": 9}, ["min_processes", "max_processes"]),
        "content typo": ("connect_content", {"guid": guid, "titel": "x"}, ["titel"]),
        "content no selector": ("connect_content", {"title": "x"}, ["guid", "name", "items"]),
        "content batch bad item": ("connect_content", {"items": [{"guid": guid}, {"guid": BAD_GUID}], "owner": "bob"},
                                   ["items[1].guid", BAD_GUID]),
        "content batch viewer owner": ("connect_content", {"owned_by": "dave", "owner": "victor"}, ["'owner'", "viewer"]),
        "content wrong type": ("connect_content", {"guid": guid, "min_processes": "many"}, ["min_processes", "int"]),
        "permission bad guid": ("connect_content_permission", {"content": BAD_GUID, "principal": "alice"}, ["'content'"]),
        "permission unknown user": ("connect_content_permission", {"content": guid, "principal": "nobody"},
                                    ["'principal'", "nobody"]),
        "permission bad role": ("connect_content_permission", {"content": guid, "principal": "alice", "role": "admin"},
                                ["role", "viewer, owner"]),
        "content_info bad guid": ("connect_content_info", {"guid": BAD_GUID}, ["'guid'"]),
        "content_info bad include": ("connect_content_info", {"include": ["acl"]}, ["include", "owner, tags, permissions"]),
        "audit bad since": ("connect_audit_info", {"since": "last tuesday"}, ["'since'", "RFC3339"]),
        "audit unknown user": ("connect_audit_info", {"user": "nobody"}, ["'user'", "nobody"]),
        "audit bad order": ("connect_audit_info", {"order": "newest"}, ["order", "desc, asc"]),
        "usage bad content": ("connect_usage_info", {"content": BAD_GUID}, ["'content'"]),
        "usage bad type": ("connect_usage_info", {"type": "apps"}, ["type", "shiny, visits"]),
        "user bad role": ("connect_user_info", {"role": ["root"]}, ["role", "administrator, publisher, viewer"]),
        "group typo": ("connect_group_info", {"member": True}, ["member"]),
        "server typo": ("connect_server_info", {"sever": "x"}, ["sever"]),
        "user bad role choice": ("connect_user", {"username": "carol", "user_role": "boss"},
                                 ["user_role", "viewer, publisher, administrator"]),
        "user bad guid": ("connect_user", {"guid": BAD_GUID, "locked": True}, ["'guid'", BAD_GUID]),
        "user unknown guid": ("connect_user", {"guid": UNKNOWN, "username": "alice"}, ["'guid'", UNKNOWN]),
        "user no password": ("connect_user", {"username": "newcomer"}, ["'password'", "user_must_set_password"]),
        "group unknown member": ("connect_group", {"name": "Finance", "members": ["nobody"]}, ["'members'", "nobody"]),
        "group batch bad item": ("connect_group", {"items": [{"name": "Finance"}, {"guid": BAD_GUID}]},
                                 ["items[1].guid", BAD_GUID]),
        "tag bad path": ("connect_tag", {"path": "Department//Legal"}, ["'path'", "not a tag path"]),
        "tag no selector": ("connect_tag", {"state": "present"}, ["path", "paths"]),
        "content unknown tag": ("connect_content", {"guid": guid, "tags": ["Nope/Nothing"]}, ["'tags'", "connect_tag"]),
        "content reserved vanity": ("connect_content", {"guid": guid, "vanity_url": "/connect/x/"},
                                    ["'vanity_url'", "reserves"]),
        "content viewer collaborator": ("connect_content", {"guid": guid, "permissions": [
            {"principal": "victor", "role": "owner"}]}, ["'permissions[0].role'", "viewer"]),
        "concurrency out of range": ("connect_content", {"owned_by": "dave", "owner": "bob", "concurrency": 0},
                                     ["'concurrency'", "between 1 and 64"]),
    }
    tasks = "".join("""
        - name: %s
          posit.connect.%s: %s
          ignore_errors: true
""" % (name, module, args) for name, (module, args, parts) in cases.items())
    run = playbook("""
    - hosts: localhost
      gather_facts: false
      tasks:%s""" % tasks).ok()
    for name, (_module, _args, parts) in cases.items():
        result = run[name]
        assert result["_status"] == "failed", (name, result)
        for part in parts:
            assert part in result["msg"], (name, part, result["msg"])
    assert standin.writes() == []


CHECK_PLAY = localhost_play("""
    - name: update
      posit.connect.connect_content: {guid: "%(guid)s", title: Renamed, owner: bob, max_processes: 3}
    - name: create
      posit.connect.connect_content: {name: brand-new-app, title: New}
    - name: delete
      posit.connect.connect_content: {guid: "%(guid)s", state: absent}
    - name: batch
      posit.connect.connect_content:
        items: [{guid: "%(guid)s", title: Title 1}, {name: another-new-app}, {name: quarterly-report, owner: dave, state: absent}]
    - name: owned_by
      posit.connect.connect_content: {owned_by: dave, owner: erin}
    - name: facets
      posit.connect.connect_content:
        guid: "%(guid)s"
        tags: [Department/Finance]
        vanity_url: /check-mode/
        environment: {CHECK_VAR: value}
        permissions: [{principal: bob, role: owner}]
        purge_permissions: true
    - name: tag
      posit.connect.connect_tag: {paths: [Region/EMEA, Lifecycle/Deprecated], state: present}
    - name: content as code role
      ansible.builtin.include_role: {name: posit.connect.content_as_code}
      vars:
        connect_cac_mode: apply
        connect_cac_spec: [{name: sales-dashboard, owner: dave, title: CAC, tags: [Department/HR]}, {name: cac-new, owner: erin}]
    - name: grant
      posit.connect.connect_content_permission: {content: "%(guid)s", principal: bob, role: owner}
    - name: revoke
      posit.connect.connect_content_permission: {content: "%(guid)s", principal: alice, state: absent}
    - name: info
      posit.connect.connect_content_info: {include: [owner, tags, permissions]}
    - name: user
      posit.connect.connect_user: {username: bob, user_role: viewer, locked: true}
    - name: new user
      posit.connect.connect_user: {username: newcomer, user_must_set_password: true, email: n@example.com}
    - name: group
      posit.connect.connect_group: {name: Finance, members: [bob], remove_members: [erin]}
    - name: new group
      posit.connect.connect_group: {name: Newcomers, members: [alice]}
    - name: permission batch
      posit.connect.connect_content_permission: {principal: bob, role: owner, items: [{content: "%(guid)s"}]}
    - name: users
      posit.connect.connect_user_info:
    - name: groups
      posit.connect.connect_group_info: {members: true}
    - name: audit
      posit.connect.connect_audit_info: {limit: 5}
    - name: usage
      posit.connect.connect_usage_info: {summarize: true}
    - name: server
      posit.connect.connect_server_info:
    - name: handoff role
      ansible.builtin.include_role: {name: posit.connect.ownership_handoff}
      vars: {connect_handoff_from: dave, connect_handoff_to: erin, connect_handoff_report: "%(tmp)s/handoff.csv"}
    - name: handoff fact
      ansible.builtin.debug: {var: connect_handoff}
    - name: export role
      ansible.builtin.include_role: {name: posit.connect.audit_export}
      vars: {connect_audit_export_dest: "%(tmp)s/audit.jsonl", connect_audit_export_state: "%(tmp)s/audit.state"}
    - name: offboarding role
      ansible.builtin.include_role: {name: posit.connect.user_offboarding}
      vars: {connect_offboard_user: dave, connect_offboard_to: erin, connect_offboard_report: "%(tmp)s/offboard.csv"}
    - name: report role
      ansible.builtin.include_role: {name: posit.connect.content_report}
      vars: {connect_report_dir: "%(tmp)s/report"}
""")


def test_check_mode_over_every_module_and_role_writes_nothing(standin, playbook, tmp_path):
    standin.reset(seed="demo")
    guid = guid_of(standin, "sales-dashboard")
    before = {g: dict(c) for g, c in standin.state.content.items()}
    run = playbook(CHECK_PLAY % dict(guid=guid, tmp=tmp_path), check=True, diff=True).ok()
    assert standin.writes() == [] and {g: dict(c) for g, c in standin.state.content.items()} == before
    assert run["content as code role"]["_status"] == "ok"
    for task in ("update", "create", "delete", "batch", "owned_by", "facets", "tag", "grant", "revoke", "user", "new user",
                 "group", "new group", "permission batch"):
        assert run[task]["changed"] is True, task  # the change is predicted, not made
    assert run["owned_by"]["changed_count"] == 15
    assert run["handoff fact"]["connect_handoff"]["changed"] == 15
    # No report, export, state or lock file was written either.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ansible-tmp", "play.yml", "results.json"]
    methods = {e["method"] for e in standin.requests}
    assert methods == {"GET"}
