"""plugins/filter/content_promote.py without a server: the plan of each item (the source read, the ACL by name as the
target can take it, tags, vanity path, settings, environment names), the items of the connect_content batch and the
role's fact. Server strings are carried as data: hostile names come out as they went in, quoted as JSON in messages."""

import json

from ansible_collections.posit.connect.plugins.filter.content_promote import (
    promote_content,
    promote_integrations,
    promote_plan,
    promote_result,
)

URL = "https://connect.example.com"
HOSTILE = "Ops {{ lookup('pipe','touch /tmp/x') }} {% if true %}x{% endif %}\u2028\r\n<script>=cmd|' /C calc'!A0\"'"
OPTIONS = dict(owner="", settings=["title", "access_type", "max_processes", "run_as"], acl=True, acl_downgrade=False,
               create_tags=False, vanity=True, environment=["DB_PASSWORD"], dir="/work")


def record(**fields):
    base = dict(guid="g-1", name="board", title="Board", access_type="acl", max_processes=3, run_as=None,
                bundle_id="7", owner={"username": "alice"}, content_url="https://staging.example.com/rsc/content/g-1/",
                vanity_url="https://staging.example.com/rsc/kpi/", environment=["API_TOKEN", "DB_PASSWORD"],
                tags=[{"name": "Promo", "path": "Promo"}, {"name": "Q", "path": "Promo/Q"}],
                permissions=[
                    dict(principal_type="user", principal_name="bob", principal_guid="u-bob", role="owner"),
                    dict(principal_type="user", principal_name="alice", principal_guid="u-alice", role="viewer"),
                    dict(principal_type="user", principal_name="cweber", principal_guid="u-c", role="owner"),
                    dict(principal_type="group", principal_name=HOSTILE, principal_guid="g-ops", role="viewer"),
                    dict(principal_type="group", principal_name="Finance", principal_guid="g-fin", role="viewer"),
                ])
    base.update(fields)
    return base


def target(**fields):
    base = dict(server=URL, content=[], tags_missing=[],
                users=[dict(username="alice", user_role="publisher"), dict(username="bob", user_role="publisher"),
                       dict(username="cweber", user_role="viewer")],
                groups=[dict(name="Finance")])
    base.update(fields)
    return base


def found(*records, **given):
    return [dict(connect_promote_item=dict(given or {"name": "board", "owner": "alice"}), content=list(records))]


def test_a_viewer_collaborator_fails_the_item_naming_the_target_and_the_fix():
    plan, = promote_plan(found(record()), target(), OPTIONS)
    assert plan["msg"].startswith('content_promote: target server %s: user "cweber" is a viewer there, and a viewer '
                                  'cannot be a collaborator of "board"' % URL)
    assert "connect_promote_acl_downgrade: true" in plan["msg"]
    assert promote_content([plan]) == []


def test_the_acl_by_name_as_the_target_takes_it_hostile_names_as_data():
    plan, = promote_plan(found(record()), target(), dict(OPTIONS, acl_downgrade=True))
    assert plan["msg"] == ""
    # the owner's own entry is left out; the group the target lacks is reported, its name quoted as JSON
    assert plan["permissions"] == [dict(principal="bob", principal_type="user", role="owner"),
                                   dict(principal="cweber", principal_type="user", role="viewer"),
                                   dict(principal="Finance", principal_type="group", role="viewer")]
    assert plan["acl_unmatched"] == [HOSTILE] and plan["acl_downgraded"] == ["cweber"]
    assert plan["acl_warnings"] == [
        'target server %s: user "cweber" is a viewer there, and a viewer cannot be a collaborator; made a viewer of '
        '"board" (connect_promote_acl_downgrade).' % URL,
        "target server %s: group %s does not exist there; it is not made a viewer of \"board\"." % (URL, json.dumps(HOSTILE)),
    ]
    assert all("\n" not in w and "\u2028" not in w for w in plan["acl_warnings"])


def test_what_is_copied_and_reported():
    dst = dict(guid="t-1", name="board", bundle_id="42", owner=dict(username="alice"))
    plan, = promote_plan(found(record(permissions=[])), target(content=[dst]), OPTIONS)
    assert plan["msg"] == ""
    assert plan["tags"] == ["Promo/Q"] and plan["tags_created"] == []  # the category is not copied
    assert plan["vanity_url"] == "/kpi/"  # below the source server's own path
    assert plan["settings"] == dict(title="Board", access_type="acl", max_processes=3)  # null: left as it is
    assert (plan["environment_set"], plan["environment_to_provide"]) == (["DB_PASSWORD"], ["API_TOKEN"])
    assert (plan["target_guid"], plan["target_bundle_id"]) == ("t-1", "42")
    assert plan["deploy"] == dict(name="board", owner="alice", settings=plan["settings"], bundle="/work/g-1.tar.gz")
    assert promote_content([plan]) == [dict(name="board", owner="alice", settings=plan["settings"], tags=["Promo/Q"],
                                            vanity_url="/kpi/")]
    # the booleans: no ACL, no vanity path
    plan, = promote_plan(found(record()), target(), dict(OPTIONS, acl=False, vanity=False, owner="svc"))
    assert (plan["msg"], plan["permissions"], plan["vanity_url"], plan["owner"]) == ("", [], None, "svc")


def test_a_tag_the_target_lacks_fails_the_item_unless_created():
    plan, = promote_plan(found(record(permissions=[])), target(tags_missing=["Promo/Q"]), OPTIONS)
    assert plan["msg"] == ("content_promote: g-1 (board) carries tags the target server %s lacks: Promo/Q. Create them on "
                           "the target (posit.connect.connect_tag) or set connect_promote_create_tags: true." % URL)
    plan, = promote_plan(found(record(permissions=[])), target(tags_missing=["Promo/Q"]), dict(OPTIONS, create_tags=True))
    assert plan["msg"] == "" and plan["tags_created"] == ["Promo/Q"]
    # check mode: the tag would be created but has no id yet, so it is not put on the item
    made = dict(results=[dict(path="Promo/Q", id=None, changed=True)])
    assert "tags" not in promote_content([plan], made=made)[0]


def test_an_entry_that_does_not_select_one_item_or_has_no_bundle_fails():
    plans = promote_plan(found(**{"name": "gone", "owner": "alice"}) + found(record(), record(guid="g-2"))
                         + found(record(bundle_id=None, permissions=[]))
                         + [dict(connect_promote_item={"name": "x", "owner": "nobody"}, msg="Option 'owner': no user")],
                         target(), OPTIONS)
    assert [p["msg"] for p in plans] == [
        'content_promote: connect_promote_items entry {"name": "gone", "owner": "alice"} selects 0 items on the source '
        'server; give its guid, or its name and owner.',
        'content_promote: connect_promote_items entry {"name": "board", "owner": "alice"} selects 2 items on the source '
        'server; give its guid, or its name and owner.',
        "content_promote: g-1 (board) has no active bundle on the source server.",
        'content_promote: connect_promote_items entry {"name": "x", "owner": "nobody"}: Option \'owner\': no user',
    ]


def test_the_fact_joins_the_downloads_and_both_batches():
    first = promote_plan(found(record(permissions=[])), target(), OPTIONS)[0]
    second = dict(promote_plan(found(record(guid="g-2", name="other", permissions=[])), target(), OPTIONS)[0],
                  target_guid="t-2", target_bundle_id="5")
    third = dict(promote_plan(found(record(guid="g-3", name="third", permissions=[])), target(), OPTIONS)[0])
    failed = promote_plan(found(), target(), OPTIONS)[0]
    plans = [first, failed, second, third]
    downloads = dict(results=[
        dict(item=[first, {"skipped": True}, {"skipped": True}], dest="/work/g-1.tar.gz", bundles=[dict(sha1="s1")]),
        dict(item=[second, {"bundles": [dict(sha1="s2")]}, {"bundles": [dict(sha1="s2")]}], skipped=True),
        dict(item=[third, {"skipped": True}, {"skipped": True}], dest="/work/g-3.tar.gz", bundles=[dict(sha1="s3")]),
    ])
    deployed = dict(results=[dict(guid="t-1", bundle_id="9", changed=True, failed=False),
                             dict(guid=None, failed=True, msg="the build failed")])
    assert [i["name"] for i in promote_content(plans, downloads, deployed)] == ["board", "other"]
    configured = dict(results=[dict(guid="t-1", changed=False, failed=False), dict(guid="t-2", changed=False)])
    fact = promote_result(plans, downloads, deployed, configured)
    assert [(i["source"]["guid"], i["target"]["guid"], i["sha1"], i["uploaded"], i["bundle_id"], i["changed"])
            for i in fact["items"]] == [("g-1", "t-1", "s1", True, "9", True), ("g-2", "t-2", "s2", False, "5", False)]
    assert fact["changed"] == 1
    assert [(f["item"], f["msg"].split(":")[0]) for f in fact["failed"]] == [
        (failed["item"], "content_promote"), (third["item"], "content_promote")]
    assert fact["failed"][1]["msg"] == "content_promote: g-3 (third): the build failed"


def test_oauth_integrations_go_by_name_missing_ones_are_reported_not_sent():
    source = record(permissions=[], oauth_integrations=["Warehouse", HOSTILE, "Lake"])
    plan, = promote_plan(found(source), target(integrations=["Warehouse"]), OPTIONS)
    assert plan["msg"] == "" and plan["oauth_integrations"] == ["Warehouse"]
    assert plan["integrations_missing"] == [HOSTILE, "Lake"] and plan["integrations_created"] == []
    assert json.dumps(HOSTILE) in plan["integration_warnings"][0] and "connect_promote_create_integrations" in \
        plan["integration_warnings"][0]
    assert promote_content([plan])[0]["oauth_integrations"] == ["Warehouse"]
    # none read (an older source): nothing sent
    plan, = promote_plan(found(record(permissions=[])), target(), OPTIONS)
    assert "oauth_integrations" not in promote_content([plan])[0] and plan["integrations_missing"] == []


def test_integrations_with_config_are_created_first_then_associated():
    source = record(permissions=[], oauth_integrations=["Warehouse", HOSTILE, "Lake"])
    options = dict(OPTIONS, create_integrations=True, integration_config=[HOSTILE])
    plan, = promote_plan(found(source), target(integrations=["Warehouse"]), options)
    assert plan["oauth_integrations"] == ["Warehouse", HOSTILE] and plan["integrations_created"] == [HOSTILE]
    assert plan["integrations_missing"] == ["Lake"]
    config = {HOSTILE: {"client_secret": "s3cret"}}
    made = promote_integrations([plan], [dict(name=HOSTILE, template="custom", description="Ops' lake", config={}),
                                         dict(name="Lake", template="custom")], config)
    assert made == [dict(name=HOSTILE, template="custom", description="Ops' lake", config={"client_secret": "s3cret"})]
    assert "s3cret" not in json.dumps(plan)
    # created in check mode (no guid yet) or failed: left out of the item, as an unborn tag
    unmade = dict(results=[dict(name=HOSTILE, guid=None)])
    assert promote_content([plan], integrations=unmade)[0]["oauth_integrations"] == ["Warehouse"]
    born = dict(results=[dict(name=HOSTILE, guid="i-1")])
    assert promote_content([plan], integrations=born)[0]["oauth_integrations"] == ["Warehouse", HOSTILE]
    # without the flag, given config creates nothing
    plan, = promote_plan(found(source), target(integrations=["Warehouse"]), dict(options, create_integrations=False))
    assert plan["integrations_created"] == [] and promote_integrations([plan], [], config) == []
