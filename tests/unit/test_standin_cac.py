"""The stand-in's tag, vanity URL and environment endpoints, against the copied OpenAPI reference
(tests/fixtures/connect-api/openapi): shapes, Connect's error codes and who may do what."""

from connect_standin import StandIn
from standin_helpers import Client, conforms, error, guid_of


def test_tags(server):
    admin, alice = Client(server), Client(server, "publisher")
    tags = conforms(admin("GET", "/v1/tags"), "tags", "/v1/tags")
    department = next(t for t in tags if t["name"] == "Department")
    new = conforms(admin("POST", "/v1/tags", json={"name": "Legal", "parent_id": department["id"]}), "tags", "/v1/tags",
                   "POST")
    error(admin("POST", "/v1/tags", json={"name": "Legal", "parent_id": department["id"]}), 409, "NoDuplicateTagNames")
    error(admin("POST", "/v1/tags", json={"name": ""}), 400, "NoEmptyTagName")
    error(admin("POST", "/v1/tags", json={"name": "x" * 256}), 400, "NoLongTagName")
    error(admin("POST", "/v1/tags", json={"name": "y", "parent_id": "999"}), 400, "InvalidParentTag")
    error(alice("POST", "/v1/tags", json={"name": "Mine"}), 403, "PermissionDenied")
    child = admin("POST", "/v1/tags", json={"name": "Contracts", "parent_id": new["id"]}).json()
    assert conforms(admin("GET", "/v1/tags/Department,Legal,Contracts"), "tags", "/v1/tags/{id}")["id"] == child["id"]
    assert conforms(admin("PATCH", "/v1/tags/%s" % child["id"], json={"name": "Agreements"}), "tags",
                    "/v1/tags/{id}", "PATCH")["name"] == "Agreements"

    sales = guid_of(server, "sales-dashboard")
    error(admin("POST", "/v1/content/%s/tags" % sales, json={"tag_id": department["id"]}), 400, "InvalidTag")
    error(Client(server, "viewer")("POST", "/v1/content/%s/tags" % sales, json={"tag_id": child["id"]}), 403,
          "PermissionDenied")
    assert admin("POST", "/v1/content/%s/tags" % sales, json={"tag_id": child["id"]}).status_code == 200
    names = [t["name"] for t in conforms(admin("GET", "/v1/content/%s/tags" % sales), "tags", "/v1/content/{guid}/tags")]
    assert names == ["Sales", "Production", "Agreements", "Legal"]  # the tag and its ancestors below the category
    assert [c["guid"] for c in conforms(admin("GET", "/v1/tags/%s/content" % new["id"]), "tags",
                                        "/v1/tags/{id}/content")] == [sales]
    assert admin("DELETE", "/v1/content/%s/tags/%s" % (sales, new["id"])).status_code == 200  # and its descendants
    assert [t["name"] for t in admin("GET", "/v1/content/%s/tags" % sales).json()] == ["Sales", "Production"]
    admin("POST", "/v1/content/%s/tags" % sales, json={"tag_id": child["id"]})
    assert admin("DELETE", "/v1/tags/%s" % new["id"]).status_code == 204
    assert child["id"] not in server.state.tags and len(server.state.content_tags[sales]) == 2
    error(admin("GET", "/v1/tags/%s" % new["id"]), 404, "ObjectDoesNotExist")


def test_vanity_urls(server):
    admin, alice = Client(server), Client(server, "publisher")
    sales, report = guid_of(server, "sales-dashboard"), guid_of(server, "forecasting-app", "alice")
    got = conforms(admin("GET", "/v1/content/%s/vanity" % sales), "vanity-urls", "/v1/content/{guid}/vanity")
    assert got["path"] == "/sales/"
    error(admin("GET", "/v1/content/%s/vanity" % report), 404, "ObjectDoesNotExist")
    set_ = conforms(alice("PUT", "/v1/content/%s/vanity" % report, json={"path": "forecast"}), "vanity-urls",
                    "/v1/content/{guid}/vanity", "PUT")
    assert set_["path"] == "/forecast/"  # normalised; publishers manage their own items' vanity URLs
    error(alice("PUT", "/v1/content/%s/vanity" % report, json={"path": "/sales/"}), 409, "VanityPathInUse")
    error(alice("PUT", "/v1/content/%s/vanity" % report, json={"path": "/finance/", "force": True}), 403,
          "PermissionDenied")  # alice cannot edit bob's item that holds it
    for prohibited in ("/connect/x/", "/__api__/", "/sales/emea/", "/a b/", "/"):
        error(alice("PUT", "/v1/content/%s/vanity" % report, json={"path": prohibited}), 400, "ProhibitedVanityPath")
    assert admin("PUT", "/v1/content/%s/vanity" % report, json={"path": "/sales/", "force": True}).status_code == 200
    assert server.state.vanity_urls[report] == "/sales/" and sales not in server.state.vanity_urls
    listed = conforms(admin("GET", "/v1/vanities"), "vanity-urls", "/v1/vanities")
    assert {v["path"] for v in listed} == {"/sales/", "/finance/", "/onboarding/", "/status/"}
    error(alice("GET", "/v1/vanities"), 403, "PermissionDenied")
    assert alice("DELETE", "/v1/content/%s/vanity" % report).status_code == 204
    assert report not in server.state.vanity_urls


def test_vanity_include_needs_2024_06():
    with StandIn(version="2024.05.0") as old:
        error(Client(old)("GET", "/v1/content", params={"include": "tags,vanity_url"}), 400, "InvalidInclude")
        assert Client(old)("GET", "/v1/content", params={"include": "tags"}).status_code == 200


def test_environment(server):
    admin = Client(server)
    sales = guid_of(server, "sales-dashboard")
    path = "/v1/content/%s/environment" % sales
    assert conforms(admin("GET", path), "content", "/v1/content/{guid}/environment") == []
    names = conforms(admin("PATCH", path, json=[{"name": "DB_URL", "value": "postgres://x"}, {"name": "MODE", "value": "1"}]),
                     "content", "/v1/content/{guid}/environment", "PATCH")
    assert names == ["DB_URL", "MODE"] and server.state.environments[sales]["DB_URL"] == "postgres://x"
    assert admin("PATCH", path, json=[{"name": "MODE", "value": None}]).json() == ["DB_URL"]
    assert conforms(admin("PUT", path, json=[{"name": "ONLY", "value": "v"}]), "content",
                    "/v1/content/{guid}/environment", "PUT") == ["ONLY"]
    error(admin("PATCH", path, json=[{"name": "", "value": "v"}]), 400, "EmptyEnvironmentVariableName")
    error(admin("PATCH", path, json=[{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]), 400,
          "DuplicateEnvironmentVariable")
    error(Client(server, "viewer")("GET", path), 403, "PermissionDenied")
    assert "value" not in str(admin("GET", path).json())
