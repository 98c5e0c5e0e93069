"""The stand-in's content endpoints (api.py, model.py): who sees what, filters and includes, creating, changing,
moving and deleting items, and their access lists."""

from standin_helpers import Client, content, error, user


def test_content_visibility_by_role(demo):
    every = {c["guid"] for c in Client(demo).ok("GET", "/__api__/v1/content")}
    assert len(every) == 40
    visible = {c["guid"]: c for c in Client(demo, "victor").ok("GET", "/__api__/v1/content")}
    state = demo.state
    victor = user(demo, "victor")
    expected = {c["guid"] for c in state.content.values()
                if c["access_type"] in ("all", "logged_in")
                or any(p["principal_guid"] in ({victor["guid"]} | state.groups_of(victor["guid"]))
                       for p in state.permissions[c["guid"]])}
    assert set(visible) == expected
    assert content(demo, "budget-report", "bob")["guid"] in visible        # user ACL
    assert content(demo, "customer-segments")["guid"] in visible           # group ACL (Finance)
    assert content(demo, "pricing-api")["guid"] not in visible
    hidden = content(demo, "pricing-api")["guid"]
    error(Client(demo, "victor").get(f"/__api__/v1/content/{hidden}"), 403, "PermissionDenied")

    roles = {c["name"]: c["app_role"] for c in Client(demo, "alice").ok("GET", "/__api__/v1/content")
             if c["owner_guid"] == user(demo, "dave")["guid"]}
    assert roles["sales-dashboard"] == "editor" and roles["marketing-dash"] == "viewer"
    assert "pricing-api" not in roles
    admin_view = Client(demo).ok("GET", f"/__api__/v1/content/{hidden}")
    assert admin_view["app_role"] == "none"


def test_content_filters_and_include(demo):
    admin = Client(demo)
    both = admin.ok("GET", "/__api__/v1/content", params={"name": "quarterly-report"})
    assert len(both) == 2
    dave = user(demo, "dave")["guid"]
    one = admin.ok("GET", "/__api__/v1/content", params={"name": "quarterly-report", "owner_guid": dave})
    assert [c["owner_guid"] for c in one] == [dave]
    assert len(admin.ok("GET", "/__api__/v1/content", params={"owner_guid": dave})) == 15
    error(admin.get("/__api__/v1/content", params={"owner_guid": "dave"}), 400, "InvalidId")
    error(admin.get("/__api__/v1/content", params={"include": "tags,nope"}), 400, "InvalidInclude")
    sales = admin.ok("GET", "/__api__/v1/content", params={"name": "sales-dashboard", "include": "tags,owner,vanity_url"})[0]
    assert [t["name"] for t in sales["tags"]] == ["Sales", "Production"]
    assert sales["owner"]["username"] == "dave"
    assert sales["vanity_url"] == f"{demo.url}/sales/"  # a URL, as Connect answers
    assert sales["content_url"] == f"{demo.url}/content/{sales['guid']}/"


def test_create_content(fresh):
    alice, bob = Client(fresh, "alice"), Client(fresh, "bob")
    made = alice.ok("POST", "/__api__/v1/content", json={"name": "new-app", "access_type": "logged_in"})
    assert made["owner_guid"] == user(fresh, "alice")["guid"] and made["app_role"] == "owner"
    assert made["app_mode"] == "unknown" and made["bundle_id"] is None and made["title"] is None
    error(alice.call("POST", "/__api__/v1/content", json={"name": "new-app"}), 400, "DuplicateName")
    assert bob.call("POST", "/__api__/v1/content", json={"name": "new-app"}).status_code == 200
    error(Client(fresh, "viewer").call("POST", "/__api__/v1/content", json={"name": "x1"}), 403, "PermissionDenied")
    unnamed = alice.ok("POST", "/__api__/v1/content", json={"title": "No name"})  # no field is required
    assert unnamed["name"] == unnamed["guid"] and unnamed["title"] == "No name"
    error(alice.call("POST", "/__api__/v1/content", json={"name": "bad name!"}), 400, "InvalidApplicationName")
    error(alice.call("POST", "/__api__/v1/content", json={"name": "ok", "title": "x"}), 400, "InvalidApplicationTitle")
    error(alice.call("POST", "/__api__/v1/content", json={"name": "ok", "owner_guid": made["owner_guid"]}),
          400, "ImmutableFields")
    error(alice.call("POST", "/__api__/v1/content", data="{not json"), 400, "InvalidJson")
    entry = fresh.state.audit_logs[-3]  # alice's creation, before bob's and her unnamed item
    assert entry["action"] == "add_application" and made["guid"] in entry["event_description"]
    assert entry["user_guid"] == user(fresh, "alice")["guid"]


def test_patch_content_rules(fresh):
    alice, bob = Client(fresh, "alice"), Client(fresh, "bob")
    guid = content(fresh, "sales-dashboard")["guid"]  # dave's; alice collaborates, bob only views via logged_in
    path = f"/__api__/v1/content/{guid}"
    before = alice.ok("GET", path)
    after = alice.ok("PATCH", path, json={"title": "Sales", "idle_timeout": None, "access_type": "acl"})
    assert after["title"] == "Sales" and after["idle_timeout"] is None and after["access_type"] == "acl"
    unchanged = {k for k in before if k not in ("title", "idle_timeout", "access_type")}
    assert {k: before[k] for k in unchanged} == {k: after[k] for k in unchanged}
    entry = fresh.state.audit_logs[-1]
    assert entry["action"] == "edit_application" and entry["user_guid"] == user(fresh, "alice")["guid"]
    assert "title, idle_timeout, access_type" in entry["event_description"]

    error(bob.call("PATCH", path, json={"title": "Mine now"}), 403, "PermissionDenied")
    error(alice.call("PATCH", path, json={"nope": 1}), 400, "InvalidJson")
    error(alice.call("PATCH", path, json={"app_mode": "shiny"}), 400, "ImmutableFields")
    error(alice.call("PATCH", path, json={"guid": guid}), 400, "ImmutableFields")
    error(alice.call("PATCH", path, json={"access_type": "public"}), 400, "UnknownAccessType")
    error(alice.call("PATCH", path, json={"max_processes": "3"}), 400, "InvalidJson")
    error(alice.call("PATCH", path, json={"locked": "yes"}), 400, "InvalidJson")
    error(alice.call("PATCH", path, json={"name": None}), 400, "InvalidJson")
    error(alice.call("PATCH", path, json={"min_processes": 9, "max_processes": 2}), 400, "MinProcessesOverMaxProcesses")
    error(alice.call("PATCH", path, json={"load_factor": 2}), 400, "InvalidLoadFactor")
    error(alice.call("PATCH", path, json={"name": "legacy-kpis"}), 400, "DuplicateName")  # dave has one
    error(alice.call("PATCH", path, json=["title"]), 400, "InvalidJson")
    error(alice.call("PATCH", "/__api__/v1/content/123", json={}), 400, "InvalidId")
    assert alice.ok("PATCH", path, json={"locked": None, "locked_message": None})["locked"] is False
    assert alice.ok("GET", path)["title"] == "Sales"  # failed PATCHes changed nothing


def test_owner_changes(fresh):
    admin, dave = Client(fresh), Client(fresh, "dave")
    guid = content(fresh, "pricing-api")["guid"]
    path = f"/__api__/v1/content/{guid}"
    alice_guid = user(fresh, "alice")["guid"]
    error(dave.call("PATCH", path, json={"owner_guid": alice_guid}), 403, "PermissionDenied")
    assert dave.ok("PATCH", path, json={"owner_guid": user(fresh, "dave")["guid"]})  # no change: allowed
    error(admin.call("PATCH", path, json={"owner_guid": user(fresh, "victor")["guid"]}), 400, "InvalidOwner")
    error(admin.call("PATCH", path, json={"owner_guid": "6f300623-1e0c-48e6-a473-ddf630c0c0c3"}), 400, "InvalidOwner")
    error(admin.call("PATCH", path, json={"owner_guid": "alice"}), 400, "InvalidId")
    moved = admin.ok("PATCH", path, json={"owner_guid": alice_guid.upper()})
    assert moved["owner_guid"] == alice_guid
    entry = fresh.state.audit_logs[-1]
    assert entry["action"] == "edit_application" and "from Dave Dawson (dave) to Alice Anders (alice)" in entry["event_description"]
    # alice already owns a quarterly-report: moving dave's to her clashes.
    error(admin.call("PATCH", f"/__api__/v1/content/{content(fresh, 'quarterly-report')['guid']}",
                     json={"owner_guid": alice_guid}), 400, "DuplicateName")


def test_delete_content(fresh):
    admin, alice = Client(fresh), Client(fresh, "alice")
    guid = content(fresh, "legacy-kpis")["guid"]
    error(alice.call("DELETE", f"/__api__/v1/content/{guid}"), 403, "PermissionDenied")
    response = Client(fresh, "dave").call("DELETE", f"/__api__/v1/content/{guid}")
    assert response.status_code == 204 and response.content == b""
    error(admin.call("DELETE", f"/__api__/v1/content/{guid}"), 404, "ObjectDoesNotExist")
    error(admin.get(f"/__api__/v1/content/{guid}"), 404, "ObjectDoesNotExist")
    error(admin.call("DELETE", "/__api__/v1/content/nope"), 400, "InvalidId")
    assert fresh.state.audit_logs[-1]["action"] == "remove_application"
    assert len(admin.ok("GET", "/__api__/v1/content")) == 39


def test_permissions(fresh):
    alice, bob = Client(fresh, "alice"), Client(fresh, "bob")
    item = content(fresh, "exploration", "alice")
    base = f"/__api__/v1/content/{item['guid']}/permissions"
    listed = alice.ok("GET", base)
    assert all(isinstance(p["id"], str) for p in listed)
    group = next(g for g in fresh.state.groups.values() if g["name"] == "Finance")

    def add(who, kind="user", role="viewer"):
        return alice.call("POST", base, json={"principal_guid": who, "principal_type": kind, "role": role})

    error(add(user(fresh, "alice")["guid"], role="owner"), 400, "InvalidCollaboratorOwner")
    error(add(user(fresh, "carol")["guid"]), 400, "DuplicateUserPermission")
    error(add(user(fresh, "victor")["guid"], role="owner"), 400, "InvalidCollaborator")
    error(add(user(fresh, "victor")["guid"], kind="robot"), 400, "InvalidPrincipalType")
    error(add("6f300623-1e0c-48e6-a473-ddf630c0c0c3"), 400, "InvalidUser")
    error(add(user(fresh, "victor")["guid"], kind="group"), 400, "InvalidGroup")
    error(add(user(fresh, "victor")["guid"], role="admin"), 400, "InvalidParameter")

    # A group viewer entry lets its members (wendy) see the item.
    error(Client(fresh, "wendy").get(f"/__api__/v1/content/{item['guid']}"), 403, "PermissionDenied")
    made = add(group["guid"], kind="group").json()
    assert made["principal_type"] == "group" and made["content_guid"] == item["guid"]
    error(add(group["guid"], kind="group"), 400, "DuplicateGroupPermission")
    assert Client(fresh, "wendy").ok("GET", f"/__api__/v1/content/{item['guid']}")["app_role"] == "viewer"
    assert fresh.state.audit_logs[-1]["action"] == "add_application_permission"

    # Bob becomes a collaborator and may then edit; the viewer cannot manage the list.
    bob_perm = add(user(fresh, "bob")["guid"]).json()
    error(bob.call("PATCH", f"/__api__/v1/content/{item['guid']}", json={"title": "Bob's"}), 403, "PermissionDenied")
    updated = alice.ok("PUT", f"{base}/{bob_perm['id']}", json={"role": "owner"})
    assert updated["role"] == "owner"
    assert bob.ok("PATCH", f"/__api__/v1/content/{item['guid']}", json={"title": "Bob's"})["app_role"] == "editor"
    error(alice.call("PUT", f"{base}/{bob_perm['id']}", json={"principal_guid": user(fresh, "carol")["guid"]}),
          400, "InvalidParameter")
    error(Client(fresh, "carol").call("DELETE", f"{base}/{bob_perm['id']}"), 403, "PermissionDenied")
    assert alice.call("DELETE", f"{base}/{bob_perm['id']}").status_code == 204
    error(alice.get(f"{base}/{bob_perm['id']}"), 404, "ObjectDoesNotExist")
    error(alice.get(f"{base}/abc"), 400, "InvalidId")
    assert [e["action"] for e in fresh.state.audit_logs[-2:]] == ["edit_application", "remove_application_permission"]


def test_include_tags_leaves_the_key_out_when_there_are_none(fresh):
    admin = Client(fresh)
    made = admin.ok("POST", "/__api__/v1/content", json={"name": "untagged"})
    item = admin.ok("GET", f"/__api__/v1/content/{made['guid']}", params={"include": "owner,tags,vanity_url"})
    assert "owner" in item and "tags" not in item and "vanity_url" not in item
    tagged = admin.ok("GET", "/__api__/v1/content", params={"name": "sales-dashboard", "include": "tags"})[0]
    assert tagged["tags"]


def test_create_content_with_an_empty_body(fresh):
    alice = Client(fresh, "alice")
    for body in ({"data": b""}, {"json": {}}):
        made = alice.ok("POST", "/__api__/v1/content", **body)
        assert made["name"] == made["guid"] and made["title"] is None and made["app_mode"] == "unknown"
    error(alice.call("POST", "/__api__/v1/content", json=[]), 400, "InvalidJson")
