"""connect_content's facets (tags, vanity_url, environment, permissions) against the stand-in:
real ansible-playbook runs, asserting results, diffs and the stand-in's request log and state."""

import json

import pytest

from connect_state import content_by
from playbook_runs import localhost_play

SECRET = "s3cr3t-value-never-shown-8f2e"


def tag_paths(standin, guid):
    tags = standin.state.tags

    def path(tag_id):
        tag = tags[tag_id]
        return path(tag["parent_id"]) + "/" + tag["name"] if tag["parent_id"] else tag["name"]
    return sorted(path(t) for t in standin.state.content_tags.get(guid, []))


def acl(standin, guid):
    state = standin.state
    return sorted((p["principal_type"], state.users[p["principal_guid"]]["username"] if p["principal_type"] == "user"
                   else state.groups[p["principal_guid"]]["name"], p["role"]) for p in state.permissions[guid])


SPEC = """
            name: sales-dashboard
            owner: dave
            tags: [Department/Finance, Lifecycle/Production]
            purge_tags: true
            vanity_url: sales-emea
            environment: {DB_URL: %s, MODE: prod}
            permissions:
              - {principal: bob, role: owner}
              - {principal: Finance, principal_type: group}
            purge_permissions: true
""" % SECRET


def test_single_form_check_apply_reapply(demo, playbook):
    guid = content_by(demo, "dave", "sales-dashboard")["guid"]
    demo.state.environments[guid] = {"LEGACY": "x"}
    book = localhost_play("""
        - name: predict
          posit.connect.connect_content: &spec %s
          check_mode: true
          diff: true
    """) % SPEC
    predicted = playbook(book).ok()["predict"]
    assert demo.writes() == []
    assert predicted["changed"] is True
    assert predicted["diff"]["before"] == {
        "tags": ["Department/Sales", "Lifecycle/Production"], "vanity_url": "/sales/",
        "environment": {"LEGACY": "********"},
        "permissions": [{"principal": "alice", "principal_type": "user", "role": "owner"},
                        {"principal": "Finance", "principal_type": "group", "role": "viewer"}]}
    assert predicted["diff"]["after"] == {
        "tags": ["Department/Finance", "Lifecycle/Production"], "vanity_url": "/sales-emea/",
        "environment": {"DB_URL": "******** (value sent)", "LEGACY": "********", "MODE": "******** (value sent)"},
        "permissions": [{"principal": "bob", "principal_type": "user", "role": "owner"},
                        {"principal": "Finance", "principal_type": "group", "role": "viewer"}]}
    assert SECRET not in json.dumps(predicted)

    run = playbook(tasks="""
        - name: apply
          posit.connect.connect_content: &spec %s
          diff: true
        - name: again
          posit.connect.connect_content: *spec
        - name: again in check mode
          posit.connect.connect_content: *spec
          check_mode: true
    """ % SPEC, verbosity=4).ok()
    assert run["apply"]["changed"] is True and run["apply"]["diff"] == predicted["diff"]
    assert run["again"]["changed"] is False and run["again in check mode"]["changed"] is False
    assert SECRET not in run.stdout + run.stderr
    assert tag_paths(demo, guid) == ["Department/Finance", "Lifecycle/Production"]
    assert demo.state.vanity_urls[guid] == "/sales-emea/"
    assert demo.state.environments[guid] == {"LEGACY": "x", "DB_URL": SECRET, "MODE": "prod"}
    assert acl(demo, guid) == [("group", "Finance", "viewer"), ("user", "bob", "owner")]
    writes = [(e["method"], e["path"].rsplit(guid, 1)[-1]) for e in demo.writes()]
    assert sorted(writes) == sorted([("POST", "/tags"), ("DELETE", "/tags/3"), ("PUT", "/vanity"),
                                     ("PATCH", "/environment"), ("DELETE", "/permissions/4"),
                                     ("POST", "/permissions")])  # the first run only


def test_environment_overwrite_remove_purge(demo, playbook):
    guid = content_by(demo, "dave", "sales-dashboard")["guid"]
    demo.state.environments[guid] = {"KEEP": "old", "GONE": "x", "EXTRA": "y"}
    run = playbook(tasks="""
        - name: kept
          posit.connect.connect_content: {guid: %(guid)s, environment: {KEEP: new}}
        - name: overwrite
          posit.connect.connect_content: {guid: %(guid)s, environment: {KEEP: new}, overwrite_environment: true}
        - name: remove and purge
          posit.connect.connect_content:
            guid: %(guid)s
            environment: {KEEP: new, GONE: null}
            purge_environment: true
    """ % dict(guid=guid)).ok()
    assert run["kept"]["changed"] is False
    assert run["overwrite"]["changed"] is True  # Connect cannot tell whether the value differs
    assert run["remove and purge"]["changed"] is True
    assert demo.state.environments[guid] == {"KEEP": "new"}


def test_batch_reads_stay_bulk(demo, playbook):
    sales = content_by(demo, "dave", "sales-dashboard")["guid"]
    pricing = content_by(demo, "dave", "pricing-api")["guid"]
    run = playbook(tasks="""
        - name: batch
          posit.connect.connect_content:
            items:
              - {guid: %s, tags: [Department/Sales, Lifecycle/Production], vanity_url: /sales/}
              - {name: finance-dashboard, vanity_url: /finance/, tags: [Department/Finance]}
              - {guid: %s, permissions: [{principal: svc-deploy, role: owner}], environment: {TOKEN: %s}}
              - {name: budget-report, title: Budget Report}
          check_mode: true
    """ % (sales, pricing, SECRET)).ok()
    batch = run["batch"]
    assert [r["status"] for r in batch["results"]] == ["unchanged", "unchanged", "updated", "unchanged"]
    assert batch["results"][2]["changes"] == {"environment": {"set": ["TOKEN"], "remove": []}}
    reads = [(e["path"], e["query"].get("include")) for e in demo.requests]
    assert reads.count(("/__api__/v1/content", "tags,vanity_url")) == 1
    per_item = sorted(path for path, include in reads if path.startswith("/__api__/v1/content/"))
    assert per_item == ["/__api__/v1/content/%s/environment" % pricing, "/__api__/v1/content/%s/permissions" % pricing]
    assert len(demo.requests) <= 8 and demo.writes() == []


def test_owned_by_with_facets_and_created_items(demo, playbook):
    run = playbook(tasks="""
        - name: tag everything erin owns
          posit.connect.connect_content:
            owned_by: erin
            tags: [Department/Finance]
        - name: create with facets
          posit.connect.connect_content:
            items:
              - name: new-app
                owner: erin
                tags: [Lifecycle/Experimental]
                vanity_url: /new-app/
                environment: {A: "1"}
                permissions: [{principal: Finance, principal_type: group}]
    """).ok()
    assert run["tag everything erin owns"]["changed_count"] == 2  # invoice-matcher was tagged Finance already
    for name in ("invoice-matcher", "ap-aging", "close-checklist"):
        assert "Department/Finance" in tag_paths(demo, content_by(demo, "erin", name)["guid"])
    new = content_by(demo, "erin", "new-app")["guid"]
    assert run["create with facets"]["results"][0]["status"] == "created"
    assert tag_paths(demo, new) == ["Lifecycle/Experimental"]
    assert demo.state.vanity_urls[new] == "/new-app/" and demo.state.environments[new] == {"A": "1"}
    assert acl(demo, new) == [("group", "Finance", "viewer")]


@pytest.mark.parametrize("spec, message", [
    ("tags: [Department/Legal]", "no tag 'Department/Legal' on this server. Create it first with posit.connect.connect_tag"),
    ("tags: [Department]", "'Department' is a tag category"),
    ("vanity_url: /finance/", "the vanity path /finance/ is held by content"),
    ("vanity_url: /finance/q1/", "/finance/q1/ is a descendant of the vanity path /finance/"),
    ("vanity_url: /connect/sales/", "starts with '/connect'"),
    ("vanity_url: /a b/", "is not a vanity path Connect accepts"),
    ("permissions: [{principal: victor, role: owner}]", "is a viewer and cannot be a collaborator"),
    ("permissions: [{principal: dave}]", "owns content"),
    ("permissions: [{principal: nobody}]", "no Connect user with username 'nobody'"),
    ("permissions: [{principal: bob}, {principal: bob, role: owner}]", "listed twice"),
])
def test_errors_before_any_write(demo, playbook, spec, message):
    run = playbook(tasks="""
        - name: bad
          posit.connect.connect_content:
            name: sales-dashboard
            owner: dave
            title: Changed Title
            %s
          ignore_errors: true
    """ % spec)
    assert run["bad"]["_status"] == "failed"
    assert message in run["bad"]["msg"], run["bad"]["msg"]
    assert demo.writes() == []


def test_vanity_force_and_remove(demo, playbook):
    sales = content_by(demo, "dave", "sales-dashboard")["guid"]
    finance = content_by(demo, "bob", "finance-dashboard")["guid"]
    run = playbook(tasks="""
        - name: take it
          posit.connect.connect_content: {guid: %s, vanity_url: /finance/, force_vanity_url: true}
        - name: remove
          posit.connect.connect_content: {guid: %s, vanity_url: ""}
    """ % (sales, sales)).ok()
    assert run["take it"]["changed"] and run["remove"]["changed"]
    assert sales not in demo.state.vanity_urls and finance not in demo.state.vanity_urls


def test_environment_value_never_in_failure_output(demo, playbook):
    """A failing item with an environment: the value shows nowhere, even at -vvvv."""
    run = playbook(tasks="""
        - name: bad
          posit.connect.connect_content:
            items:
              - {name: sales-dashboard, environment: {TOKEN: %s}, tags: [Nope/Nothing]}
              - {name: finance-dashboard, environment: {TOKEN: %s}}
          ignore_errors: true
    """ % (SECRET, SECRET), verbosity=4, diff=True)
    assert run["bad"]["_status"] == "failed" and run["bad"]["failed_count"] == 1
    assert SECRET not in run.stdout + run.stderr + json.dumps(run.results)
    finance = content_by(demo, "bob", "finance-dashboard")["guid"]
    assert demo.state.environments[finance] == {"TOKEN": SECRET}


def test_batch_before_2024_06_reads_vanities_once(playbook):
    from connect_standin import StandIn
    with StandIn(version="2024.05.0") as old:
        run = playbook(tasks="""
            - name: batch
              posit.connect.connect_content:
                items:
                  - {name: sales-dashboard, vanity_url: /sales/}
                  - {name: finance-dashboard, vanity_url: /finance-team/}
                  - {name: budget-report, vanity_url: /finance/}
              check_mode: true
              ignore_errors: true
        """, server=old)
        assert [r["status"] for r in run["batch"]["results"]] == ["unchanged", "updated", "failed"]
        assert "held by content" in run["batch"]["results"][2]["msg"]
        paths = [e["path"] for e in old.requests]
        assert paths.count("/__api__/v1/vanities") == 1 and paths.count("/__api__/v1/content") == 1
        assert not [p for p in paths if p.endswith("/vanity")] and old.writes() == []
