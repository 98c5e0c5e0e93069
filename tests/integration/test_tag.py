"""posit.connect.connect_tag against the stand-in: real ansible-playbook runs, results and the request log."""

from playbook_runs import localhost_play


def paths(standin):
    tags = standin.state.tags

    def path(tag):
        return (path(tags[tag["parent_id"]]) + "/" if tag["parent_id"] else "") + tag["name"]
    return sorted(path(t) for t in tags.values())


def test_create_with_parents_check_diff_idempotent(demo, playbook):
    book = localhost_play("""
        - name: predict
          posit.connect.connect_tag: &tags
            paths: [Region/EMEA/France, Region/EMEA, Department/Finance, Region/APAC]
          check_mode: true
          diff: true
        - name: apply
          posit.connect.connect_tag: *tags
        - name: again
          posit.connect.connect_tag: *tags
        - name: one
          posit.connect.connect_tag: {path: Region/EMEA/France}
    """)
    before = paths(demo)
    run = playbook(book).ok()
    predicted = run["predict"]
    assert [r["status"] for r in predicted["results"]] == ["created", "created", "unchanged", "created"]
    assert predicted["diff"][0] == {"before": {}, "after": {"path": "Region/EMEA/France", "id": None},
                                    "before_header": "Region/EMEA/France", "after_header": "Region/EMEA/France"}
    assert run["apply"]["changed_count"] == 3 and run["again"]["changed"] is False
    assert sorted(set(paths(demo)) - set(before)) == ["Region", "Region/APAC", "Region/EMEA", "Region/EMEA/France"]
    posts = [e for e in demo.writes() if e["method"] == "POST"]
    assert len(posts) == 4  # each new tag once, the shared parents too
    one = run["one"]
    assert one["changed"] is False and one["tag"]["path"] == "Region/EMEA/France" and one["tag"]["id"]


def test_delete_needs_force_for_children_or_content(demo, playbook):
    run = playbook(tasks="""
        - name: has children
          posit.connect.connect_tag: {path: Lifecycle, state: absent}
          ignore_errors: true
        - name: has content
          posit.connect.connect_tag: {path: Lifecycle/Deprecated, state: absent}
          ignore_errors: true
        - name: in check mode with force
          posit.connect.connect_tag: {path: Lifecycle/Deprecated, state: absent, force: true}
          check_mode: true
    """)
    assert "3 child tags (Lifecycle/Deprecated, Lifecycle/Experimental, Lifecycle/Production)" in run["has children"]["msg"]
    assert "1 tagged content item" in run["has content"]["msg"] and "force: true" in run["has content"]["msg"]
    assert run["in check mode with force"]["changed"] is True
    assert demo.writes() == []
    run = playbook(tasks="""
        - name: force
          posit.connect.connect_tag: {paths: [Lifecycle, Lifecycle/Deprecated, Nothing/Here], state: absent, force: true}
        - name: again
          posit.connect.connect_tag: {paths: [Lifecycle], state: absent}
    """).ok()
    assert [r["status"] for r in run["force"]["results"]] == ["deleted", "deleted", "unchanged"]
    assert run["again"]["changed"] is False
    assert not [p for p in paths(demo) if p.startswith("Lifecycle")]


def test_bad_input_and_publisher_key(demo, playbook):
    run = playbook(tasks="""
        - name: empty name
          posit.connect.connect_tag: {path: "Department//Legal"}
          ignore_errors: true
    """)
    assert "is not a tag path" in run["empty name"]["msg"]
    run = playbook(tasks="""
        - name: publisher
          posit.connect.connect_tag: {path: Department/Legal}
          ignore_errors: true
    """, api_key=demo.keys["publisher"])
    assert run["publisher"]["_status"] == "failed" and "403" in str(run["publisher"])
    assert [e["status"] for e in demo.writes()] == [403]
