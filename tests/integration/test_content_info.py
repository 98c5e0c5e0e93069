"""posit.connect.connect_content_info against the stand-in (demo organization, read-only)."""

import json


def owned_by(standin, username):
    guid = standin.state.user_by_username(username)["guid"]
    return sorted(c["guid"] for c in standin.state.content.values() if c["owner_guid"] == guid)


def by_name(standin, owner, name):
    guid = standin.state.user_by_username(owner)["guid"]
    return next(c for c in standin.state.content.values() if c["owner_guid"] == guid and c["name"] == name)


def guids(result):
    return sorted(item["guid"] for item in result["content"])


def test_every_filter_and_include(standin, playbook):
    sales = by_name(standin, "dave", "sales-dashboard")
    dave = standin.state.user_by_username("dave")["guid"]
    run = playbook(tasks="""
        - {name: all, posit.connect.connect_content_info: {}}
        - {name: all with details, posit.connect.connect_content_info: {include: [owner, tags, permissions], concurrency: 4}}
        - {name: by guid, posit.connect.connect_content_info: {guid: "%(sales)s", include: [owner, tags]}}
        - {name: unknown guid, posit.connect.connect_content_info: {guid: 00000000-0000-4000-8000-000000000000}}
        - {name: by name, posit.connect.connect_content_info: {name: quarterly-report}}
        - {name: by owner, posit.connect.connect_content_info: {owner: dave}}
        - {name: by owner guid, posit.connect.connect_content_info: {owner: "%(dave)s"}}
        - {name: by name and owner, posit.connect.connect_content_info: {name: quarterly-report, owner: alice}}
        - {name: by id, posit.connect.connect_content_info: {id: %(id)s}}
        - {name: by id as text, posit.connect.connect_content_info: {id: "%(id)s"}}
        - {name: by app_mode, posit.connect.connect_content_info: {app_mode: [shiny, python-shiny]}}
        - {name: by access_type, posit.connect.connect_content_info: {access_type: [all, logged_in]}}
        - name: combined
          posit.connect.connect_content_info: {owner: dave, app_mode: [shiny], access_type: [acl]}
        - {name: guid and other filters, posit.connect.connect_content_info: {guid: "%(sales)s", owner: alice}}
        - {name: in check mode, posit.connect.connect_content_info: {name: sales-dashboard}, check_mode: true}
    """ % dict(sales=sales["guid"], dave=dave, id=sales["id"])).ok()
    state = standin.state.content
    assert all(run[name]["changed"] is False for name in run.results)

    everything = run["all"]["content"]
    assert guids(run["all"]) == sorted(state) and len(everything) == 40
    one = next(item for item in everything if item["guid"] == sales["guid"])
    # every field as Connect returns it, nothing added unless asked
    assert one["id"] == sales["id"] and one["min_processes"] == 1 and one["app_mode"] == "shiny"
    assert "owner" not in one and "tags" not in one and "permissions" not in one

    detailed = dict((item["guid"], item) for item in run["all with details"]["content"])
    assert len(detailed) == 40
    assert detailed[sales["guid"]]["owner"]["username"] == "dave"
    assert sorted(t["name"] for t in detailed[sales["guid"]]["tags"]) == ["Production", "Sales"]
    assert sorted(p["role"] for p in detailed[sales["guid"]]["permissions"]) == ["owner", "viewer"]
    names = dict((u["guid"], u["username"]) for u in standin.state.users.values())
    names.update((g["guid"], g["name"]) for g in standin.state.groups.values())
    for guid in detailed:  # as Connect returns them, with the principal's name beside its guid
        acl = detailed[guid]["permissions"]
        assert [dict((k, v) for k, v in e.items() if k != "principal_name") for e in acl] == standin.state.permissions[guid]
        assert all(e["principal_name"] == names[e["principal_guid"]] for e in acl)

    single = run["by guid"]["content"]
    assert len(single) == 1 and single[0]["guid"] == sales["guid"] and single[0]["owner"]["username"] == "dave"
    assert "tags" in single[0]
    assert run["unknown guid"]["content"] == []
    assert guids(run["by name"]) == sorted([by_name(standin, "dave", "quarterly-report")["guid"],
                                            by_name(standin, "alice", "quarterly-report")["guid"]])
    assert guids(run["by owner"]) == owned_by(standin, "dave") and len(owned_by(standin, "dave")) == 15
    assert guids(run["by owner guid"]) == owned_by(standin, "dave")
    assert guids(run["by name and owner"]) == [by_name(standin, "alice", "quarterly-report")["guid"]]
    assert guids(run["by id"]) == guids(run["by id as text"]) == [sales["guid"]]
    assert guids(run["by app_mode"]) == sorted(g for g, c in state.items() if c["app_mode"] in ("shiny", "python-shiny"))
    assert guids(run["by access_type"]) == sorted(g for g, c in state.items() if c["access_type"] != "acl")
    assert guids(run["combined"]) == sorted(g for g, c in state.items() if c["owner_guid"] == dave
                                            and c["app_mode"] == "shiny" and c["access_type"] == "acl")
    assert run["guid and other filters"]["content"] == []
    assert guids(run["in check mode"]) == [sales["guid"]]

    log = standin.requests
    assert standin.writes() == []
    # name and owner go to the server; permissions are one GET per item
    queries = [e["query"] for e in log if e["path"] == "/__api__/v1/content"]
    assert {"name": "quarterly-report", "owner_guid": by_name(standin, "alice", "quarterly-report")["owner_guid"]} in queries
    assert {"include": "owner,tags"} in queries and {"owner_guid": dave} in queries
    assert sum(1 for e in log if e["path"].endswith("/permissions")) == 40


def test_publisher_sees_only_their_content(standin, playbook):
    run = playbook(tasks="""
        - {name: visible, posit.connect.connect_content_info: {}}
    """, api_key=standin.keys["erin"]).ok()
    erin = standin.state.user_by_username("erin")
    expected = sorted(g for g, c in standin.state.content.items() if standin.state.content_role(erin, c))
    assert guids(run["visible"]) == expected and 0 < len(expected) < 40


def test_bad_input_fails_clearly(standin, playbook):
    run = playbook(tasks="""
        - {name: malformed guid, posit.connect.connect_content_info: {guid: not-a-guid}, ignore_errors: true}
        - {name: unknown owner, posit.connect.connect_content_info: {owner: nobody-here}, ignore_errors: true}
        - {name: invalid access_type, posit.connect.connect_content_info: {access_type: [public]}, ignore_errors: true}
        - {name: invalid include, posit.connect.connect_content_info: {include: [vanity]}, ignore_errors: true}
        - {name: wrong type, posit.connect.connect_content_info: {id: abc}, ignore_errors: true}
        - {name: bad concurrency, posit.connect.connect_content_info: {concurrency: 100}, ignore_errors: true}
        - {name: no key, posit.connect.connect_content_info: {api_key: wrong}, ignore_errors: true}
    """)
    run.failed({
        "malformed guid": "Option 'guid': 'not-a-guid' is not a content guid",
        "unknown owner": "Option 'owner': no Connect user with username or guid 'nobody-here'",
        "invalid access_type": "value of access_type must be one or more of: all, logged_in, acl. Got no match for: public",
        "invalid include": "value of include must be one or more of: owner, tags, permissions, vanity_url, environment, "
                           "schedule, oauth_integrations. Got no match for: vanity",
        "wrong type": "argument 'id' is of type str and we were unable to convert to int",
        "bad concurrency": "Option 'concurrency' must be between 1 and 64, got 100.",
        "no key": "GET /__api__/v1/content failed: HTTP 401",
    })
    assert "wrong" not in json.dumps(run["no key"]).replace("wrong type", "")
    assert standin.writes() == []


def test_include_vanity_url_and_environment_names(standin, playbook):
    sales = next(c for c in standin.state.content.values() if c["name"] == "sales-dashboard")["guid"]
    standin.state.environments[sales] = {"DB_URL": "hidden-value-1234"}
    run = playbook(tasks="""
        - name: info
          posit.connect.connect_content_info: {include: [vanity_url, environment], owner: dave}
    """).ok()
    items = dict((c["name"], c) for c in run["info"]["content"])
    assert items["sales-dashboard"]["vanity_url"] == standin.url + "/sales/"
    assert "vanity_url" not in items["quarterly-report"]
    assert items["sales-dashboard"]["environment"] == ["DB_URL"] and items["quarterly-report"]["environment"] == []
    assert "hidden-value-1234" not in json.dumps(run.results)
    listings = [e for e in standin.requests if e["path"] == "/__api__/v1/content"]
    assert [e["query"].get("include") for e in listings] == ["vanity_url"]
    assert len([e for e in standin.requests if e["path"].endswith("/environment")]) == 15
    standin.state.environments.pop(sales)


def test_include_vanity_url_before_2024_06(playbook):
    from connect_standin import StandIn
    with StandIn(version="2024.05.0") as old:
        run = playbook(tasks="""
            - name: info
              posit.connect.connect_content_info: {include: [vanity_url], name: sales-dashboard}
        """, server=old).ok()
        assert run["info"]["content"][0]["vanity_url"] == old.url + "/sales/"
        assert "/__api__/v1/vanities" in [e["path"] for e in old.requests]
