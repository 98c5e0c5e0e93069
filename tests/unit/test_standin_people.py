"""The stand-in's user, group, membership, remote-directory and metrics endpoints (people.py, api.py): users and
groups paged and filtered, and their writes, checked against the OpenAPI documents copied into
tests/fixtures/connect-api."""

import pytest

from connect_standin import StandIn
from standin_helpers import Client, conforms, error, user


def call(server, method, path, who="admin", **kwargs):
    return Client(server, who)(method, path, **kwargs)


def guid(server, username):
    return user(server, username)["guid"]


def group(server, name):
    return next(g for g in server.state.groups.values() if g["name"] == name)


def test_users_create_update_lock(server):
    body = dict(username="nina", first_name="Nina", email="nina@example.com", user_role="publisher", password="s3cret!")
    error(call(server, "POST", "/v1/users", "publisher", json=body), 403, "PermissionDenied")
    created = conforms(call(server, "POST", "/v1/users", json=body), "users", "/v1/users", "POST")
    assert created["username"] == "nina" and created["user_role"] == "publisher" and "password" not in created
    error(call(server, "POST", "/v1/users", json=body), 409, "DuplicateUserName")
    error(call(server, "POST", "/v1/users", json=dict(body, username="x1", user_role="boss")), 400, "InvalidAuthRole")
    error(call(server, "POST", "/v1/users", json=dict(body, username="x2", password="abc")), 400, "InadequatePassword")
    error(call(server, "POST", "/v1/users", json=dict(body, username="x3", colour="red")), 400, "InvalidJson")
    no_password = dict(body, username="x4", user_must_set_password=True)
    del no_password["password"]
    assert call(server, "POST", "/v1/users", json=no_password).json()["confirmed"] is False

    path = "/v1/users/%s" % created["guid"]
    edited = conforms(call(server, "PUT", path, json=dict(last_name="Ng", user_role="viewer")), "users",
                      "/v1/users/{guid}", "PUT")
    assert edited["last_name"] == "Ng" and edited["user_role"] == "viewer"
    error(call(server, "PUT", path, json=dict(username="alice")), 409, "DuplicateUserName")
    error(call(server, "PUT", path, "publisher", json=dict(first_name="N")), 403, "PermissionDenied")
    assert call(server, "PUT", path, json=dict(username="nina2")).json()["username"] == "nina2"
    assert server.state.user_by_username("nina2")["guid"] == created["guid"]

    bob = "/v1/users/%s/lock" % guid(server, "bob")
    error(call(server, "POST", bob, "publisher", json=dict(locked=True)), 403, "PermissionDenied")
    assert call(server, "GET", "/v1/user", "bob").status_code == 200
    response = call(server, "POST", bob, json=dict(locked=True))
    assert response.status_code == 200 and not response.content
    error(call(server, "GET", "/v1/user", "bob"), 401, "UserLocked")  # a locked user's key is refused
    assert call(server, "POST", bob, json=dict(locked=False)).status_code == 200
    assert call(server, "GET", "/v1/user", "bob").status_code == 200
    actions = [e["action"] for e in server.state.audit_logs[-4:]]
    assert actions == ["edit_user", "edit_user", "lock_user", "unlock_user"]


def test_remote_directory(server):
    error(call(server, "GET", "/v1/users/remote", params=dict(prefix="zed")), 400, "PullOnPushAuth")
    server.state.auth_provider = "ldap"
    server.state.directory["users"] += [dict(username="zed", first_name="Zed"), dict(username="zelda"),
                                        dict(username="alice")]
    server.state.directory["groups"] += [dict(name="Auditors", members=["zed", "alice"])]
    error(call(server, "POST", "/v1/users", json=dict(username="q", password="secret1", email="q@x")), 400,
          "PushOnPullAuth")
    found = conforms(call(server, "GET", "/v1/users/remote", "publisher", params=dict(prefix="ze")), "users",
                     "/v1/users/remote")
    assert [u["username"] for u in found["results"]] == ["zed", "zelda"] and found["results"][0]["guid"] is None
    error(call(server, "GET", "/v1/users/remote", "viewer", params=dict(prefix="ze")), 403, "PermissionDenied")
    created = conforms(call(server, "PUT", "/v1/users", json=dict(temp_ticket=found["results"][0]["temp_ticket"])),
                       "users", "/v1/users", "PUT")
    assert created["username"] == "zed"
    error(call(server, "PUT", "/v1/users", json=dict(temp_ticket=found["results"][0]["temp_ticket"])), 409,
          "DuplicateUserName")
    error(call(server, "PUT", "/v1/users", json=dict(temp_ticket="nope")), 400, "InvalidTempTicket")
    again = call(server, "GET", "/v1/users/remote", params=dict(prefix="zed")).json()["results"][0]
    assert again["guid"] == created["guid"]

    groups = conforms(call(server, "GET", "/v1/groups/remote", params=dict(prefix="aud")), "groups", "/v1/groups/remote")
    assert [g["name"] for g in groups["results"]] == ["Auditors"] and groups["results"][0]["guid"] is None
    made = call(server, "PUT", "/v1/groups", json=dict(temp_ticket=groups["results"][0]["temp_ticket"])).json()
    assert made["name"] == "Auditors" and made["member_count"] == 2
    error(call(server, "POST", "/v1/groups", json=dict(name="Local")), 400, "PushOnPullAuth")


def test_groups_and_members(server):
    error(call(server, "POST", "/v1/groups", "viewer", json=dict(name="Viewers")), 403, "PermissionDenied")
    made = conforms(call(server, "POST", "/v1/groups", "publisher", json=dict(name="Analysts")), "groups",
                    "/v1/groups", "POST")
    assert made["owner_guid"] == guid(server, "alice") and made["member_count"] == 0
    error(call(server, "POST", "/v1/groups", json=dict(name="Analysts")), 409, "DuplicateGroupName")
    error(call(server, "POST", "/v1/groups", json=dict(name=" ")), 400, "InvalidGroupName")
    members = "/v1/groups/%s/members" % made["guid"]
    assert call(server, "POST", members, "publisher", json=dict(user_guid=guid(server, "bob"))).status_code == 204
    error(call(server, "POST", members, json=dict(user_guid=guid(server, "bob"))), 409, "DuplicateGroupEntry")
    error(call(server, "POST", members, json=dict(user_guid="6f300623-1e0c-48e6-a473-ddf630c0c0c3")), 400, "InvalidUser")
    finance = "/v1/groups/%s/members" % group(server, "Finance")["guid"]
    error(call(server, "POST", finance, "publisher", json=dict(user_guid=guid(server, "bob"))), 403, "PermissionDenied")
    error(call(server, "DELETE", finance + "/" + guid(server, "bob")), 404, "ObjectDoesNotExist")
    assert call(server, "DELETE", finance + "/" + guid(server, "victor"), "viewer").status_code == 204  # leaves
    renamed = conforms(call(server, "PATCH", "/v1/groups/" + made["guid"], "publisher", json=dict(name="Analytics")),
                       "groups", "/v1/groups/{guid}", "PATCH")
    assert renamed["name"] == "Analytics" and renamed["member_count"] == 1
    error(call(server, "PATCH", "/v1/groups/" + made["guid"], json=dict(name="Finance")), 409, "DuplicateGroupName")
    assert call(server, "DELETE", "/v1/groups/" + made["guid"], "publisher").status_code == 204
    error(call(server, "GET", "/v1/groups/" + made["guid"]), 404, "ObjectDoesNotExist")


def test_active_user_metrics(server):
    counts = conforms(call(server, "GET", "/v1/metrics/users/active"), "metrics", "/v1/metrics/users/active")
    assert set(counts["windows"]) == {"1d", "7d", "30d", "365d"}
    year = counts["windows"]["365d"]
    assert year["total"] == year["admin"] + year["publisher"] + year["viewer"] > 0
    assert year["total"] == sum(1 for u in server.state.users.values() if server.state.account_status(u) == "licensed")
    error(call(server, "GET", "/v1/metrics/users/active", "publisher"), 403, "PermissionDenied")
    with StandIn(version="2024.06.0") as old:
        error(call(old, "GET", "/v1/metrics/users/active"), 404, "ObjectDoesNotExist")


def test_users_paging_and_filters(demo):
    admin = Client(demo)
    seen = []
    page_number = 1
    while True:
        page = admin.ok("GET", "/__api__/v1/users", params={"page_number": page_number, "page_size": 5})
        assert page["current_page"] == page_number and page["total"] == 12
        if not page["results"]:
            break
        seen += [u["guid"] for u in page["results"]]
        page_number += 1
    assert sorted(seen) == sorted(demo.state.users) and len(seen) == 12
    error(admin.get("/__api__/v1/users", params={"page_size": 501}), 400, "InvalidRange")
    error(admin.get("/__api__/v1/users", params={"page_number": 0}), 400, "InvalidRange")
    error(admin.get("/__api__/v1/users", params={"page_size": "many"}), 400, "InvalidParameter")
    assert admin.ok("GET", "/__api__/v1/users", params={"page_size": 500})["total"] == 12

    def names(**params):
        return [u["username"] for u in admin.ok("GET", "/__api__/v1/users", params=dict(page_size=500, **params))["results"]]

    assert names(user_role="administrator") == ["admin", "grace"]
    assert sorted(names(user_role="administrator|viewer")) == ["admin", "frank", "grace", "mallory", "victor", "wendy"]
    assert names(account_status="locked") == ["mallory"]
    assert names(account_status="inactive") == ["frank"]
    assert len(names(account_status="licensed")) == 10
    error(admin.get("/__api__/v1/users", params={"user_role": "owner"}), 400, "InvalidAuthRole")
    error(admin.get("/__api__/v1/users", params={"account_status": "gone"}), 400, "InvalidUserStatus")
    assert names(prefix="da") == ["dave"]
    assert names(prefix="Chen") == ["carol"]
    assert names(sort="username", asc_order="false")[0] == "wendy"
    # A prefix search only has a first page.
    first = admin.ok("GET", "/__api__/v1/users", params={"prefix": "a", "page_size": 1})
    assert len(first["results"]) == 1 and first["total"] >= 2
    assert admin.ok("GET", "/__api__/v1/users", params={"prefix": "a", "page_size": 1, "page_number": 2})["results"] == []
    error(admin.get("/__api__/v1/users/nope"), 400, "InvalidId")
    error(admin.get("/__api__/v1/users/6f300623-1e0c-48e6-a473-ddf630c0c0c3"), 404, "ObjectDoesNotExist")


@pytest.mark.parametrize("version, repeats", [("2024.12.0", True), ("2025.04.0", False)])
def test_groups_prefix_paging_bug_on_old_versions(version, repeats):
    with StandIn(version=version) as server:
        admin = Client(server)
        all_groups = admin.ok("GET", "/__api__/v1/groups", params={"page_size": 2})
        assert all_groups["total"] == 4
        second = admin.ok("GET", "/__api__/v1/groups", params={"page_size": 2, "page_number": 2})
        assert second["current_page"] == 2  # without prefix paging works on every version
        first = admin.ok("GET", "/__api__/v1/groups", params={"prefix": "", "page_size": 1})  # empty prefix: no search
        assert first["total"] == 4
        page1 = admin.ok("GET", "/__api__/v1/groups", params={"prefix": "f", "page_size": 1, "page_number": 1})
        page2 = admin.ok("GET", "/__api__/v1/groups", params={"prefix": "f", "page_size": 1, "page_number": 2})
        assert page1["results"][0]["name"] == "Finance" and page1["total"] == 1
        if repeats:
            assert page2["results"] == page1["results"] and page2["current_page"] == 1
        else:
            assert page2["results"] == [] and page2["current_page"] == 2


def test_group_members(demo):
    admin = Client(demo)
    science = next(g for g in demo.state.groups.values() if g["name"] == "Data Science")
    page = admin.ok("GET", f"/__api__/v1/groups/{science['guid']}/members", params={"page_size": 3})
    assert page["total"] == 4 and [u["username"] for u in page["results"]] == ["alice", "bob", "carol"]
    error(admin.get(f"/__api__/v1/groups/{science['guid']}/members", params={"sort": "email"}), 400, "InvalidParameter")
    error(admin.get("/__api__/v1/groups/6f300623-1e0c-48e6-a473-ddf630c0c0c3/members"), 404, "ObjectDoesNotExist")
    assert admin.ok("GET", f"/__api__/v1/groups/{science['guid']}")["member_count"] == 4
