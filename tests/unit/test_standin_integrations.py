"""The stand-in's OAuth integrations, templates and content associations (connect_standin/integrations.py)
against Connect's OpenAPI reference and the recorded responses: shapes, keys, error codes, who may do what,
the version gates, and secrets never answered."""

import json

import pytest

from connect_standin import StandIn
from connect_standin.integrations import add_session
from standin_helpers import HOSTILE, Client, conforms, error, recorded_keys

STANDIN = {"version": "2026.01.0"}
CONFIG = {"auth_mode": "Confidential", "authorization_uri": "https://idp.example/authorize",
          "client_id": "client-id", "client_secret": "s3cret-value", "scopes": "a b c",
          "token_endpoint_auth_method": "client_secret_post", "token_uri": "https://idp.example/token"}


@pytest.fixture(scope="module")
def server(module_server):
    return module_server


def create(admin, name="example integration", **extra):
    body = dict({"name": name, "description": "integration description", "template": "custom",
                 "config": dict(CONFIG)}, **extra)
    response = admin("POST", "/v1/oauth/integrations", json=body)
    return conforms(response, "oauth-integrations", "/v1/oauth/integrations", "POST")


def interactive_item(server, owner="alice", name="flask-app"):
    return server.add_content(name, owner=owner, app_mode="python-api")["guid"]


def test_integration_answers_have_the_recorded_keys_and_never_the_secret(server, admin):
    made = create(admin)
    assert list(made) == recorded_keys("oauth/integrations.json")
    assert list(made) == recorded_keys("oauth/integrations/22644575-a27b-4118-ad06-e24459b05126.json")
    assert "client_secret" not in made["config"] and made["config"]["client_id"] == "client-id"
    path = "/v1/oauth/integrations/{guid}"
    got = conforms(admin("GET", "/v1/oauth/integrations/" + made["guid"]), "oauth-integrations", path)
    listed = conforms(admin("GET", "/v1/oauth/integrations"), "oauth-integrations", "/v1/oauth/integrations")
    assert got == made and listed == [made]
    for answer in (got, listed):
        assert "s3cret-value" not in json.dumps(answer)
    assert server.state.integrations[made["guid"]]["config"]["client_secret"] == "s3cret-value"
    assert [e["action"] for e in server.state.audit_logs[-1:]] == ["add_oauth_integration"]


def test_update_merges_config_keeps_the_secret_and_refuses_a_template_change(server, admin):
    made = create(admin)
    path = "/v1/oauth/integrations/" + made["guid"]
    updated = conforms(admin("PATCH", path, json={"name": "renamed", "config": {"scopes": "email"}}),
                       "oauth-integrations", "/v1/oauth/integrations/{guid}", "PATCH")
    assert updated["name"] == "renamed" and updated["config"]["scopes"] == "email"
    assert updated["config"]["client_id"] == "client-id" and "client_secret" not in updated["config"]
    assert server.state.integrations[made["guid"]]["config"]["client_secret"] == "s3cret-value"
    error(admin("PATCH", path, json={"template": "connect"}), 400, "OAuthTemplateProhibitedChange")
    error(admin("PATCH", path, json={"config": {"auth_mode": "Sideways"}}), 400, "OAuthTemplateConfig")
    error(admin("PATCH", path, json={"owner": "x"}), 400, "InvalidJson")


def test_hostile_names_are_stored_and_answered_as_data(admin):
    made = create(admin, name=HOSTILE, description=HOSTILE)
    assert made["name"] == HOSTILE and made["description"] == HOSTILE
    assert admin("GET", "/v1/oauth/integrations/" + made["guid"]).json()["name"] == HOSTILE


@pytest.mark.parametrize("body, status, name", [
    ({"name": "x", "template": "nope", "config": {}}, 400, "OAuthTemplateNotFound"),
    ({"name": "x", "config": {}}, 400, "OAuthTemplateNotFound"),
    ({"template": "custom", "config": {}}, 400, "InvalidOAuthIntegrationName"),
    ({"name": " ", "template": "custom", "config": {}}, 400, "InvalidOAuthIntegrationName"),
    ({"name": "x", "description": 5, "template": "custom", "config": {}}, 400, "InvalidOAuthIntegrationDescription"),
    ({"name": "x", "template": "custom", "config": "client_id=1"}, 400, "OAuthTemplateConfig"),
    ({"name": "x", "template": "custom", "config": {"client_id": 1}}, 400, "OAuthTemplateConfig"),
    ({"name": "x", "template": "custom", "config": {}, "guid": "x"}, 400, "InvalidJson"),
    ({"name": "x", "template": "custom", "config": {}, "permissions": [{}]}, 400, "InvalidParameter"),
    ({"name": "x", "template": "custom", "config": {}, "permissions": [{"user_guid": "9" * 8}]}, 400,
     "InvalidUserGUID"),
])
def test_create_refuses_bad_input_and_changes_nothing(server, admin, body, status, name):
    error(admin("POST", "/v1/oauth/integrations", json=body), status, name)
    assert server.state.integrations == {}


def test_who_may_do_what(server, admin):
    made = create(admin)
    path = "/v1/oauth/integrations/" + made["guid"]
    publisher, viewer = Client(server, "publisher"), Client(server, "viewer")
    assert publisher("GET", "/v1/oauth/integrations").json() == [made]
    assert publisher("GET", path).json() == made
    assert publisher("GET", "/v1/oauth/templates").status_code == 200
    error(publisher("POST", "/v1/oauth/integrations", json={"name": "x", "template": "custom", "config": {}}),
          403, "PermissionDenied")
    error(publisher("PATCH", path, json={"name": "x"}), 403, "PermissionDenied")
    error(publisher("DELETE", path), 403, "PermissionDenied")
    error(publisher("POST", path + "/verify"), 403, "PermissionDenied")
    error(publisher("GET", path + "/associations"), 403, "PermissionDenied")
    for request in (viewer("GET", "/v1/oauth/integrations"), viewer("GET", path), viewer("GET", "/v1/oauth/templates")):
        error(request, 403, "PermissionDenied")
    assert len(server.state.integrations) == 1 and server.state.integrations[made["guid"]]["name"] == made["name"]


def test_unknown_and_malformed_integrations(admin):
    error(admin("GET", "/v1/oauth/integrations/0a3b6cb3-2d0f-4b43-9b4e-6a1f3b5d2c11"), 404, "ObjectDoesNotExist")
    error(admin("GET", "/v1/oauth/integrations/not-a-guid"), 400, "InvalidOAuthIntegrationGUID")
    error(admin("DELETE", "/v1/oauth/integrations/0a3b6cb3-2d0f-4b43-9b4e-6a1f3b5d2c11"), 404, "ObjectDoesNotExist")


def test_verify_tests_service_account_integrations_only(server, admin):
    viewer_kind = create(admin)
    error(admin("POST", "/v1/oauth/integrations/%s/verify" % viewer_kind["guid"]), 400,
          "OAuthServiceAccountTestInvalidAuthType")
    service = create(admin, name="svc", config=dict(CONFIG, auth_type="Service Account"))
    response = admin("POST", "/v1/oauth/integrations/%s/verify" % service["guid"])
    conforms(response, "oauth-integrations", "/v1/oauth/integrations/{guid}/verify", "POST")
    assert server.state.audit_logs[-1]["action"] == "verify_oauth_integration"


def test_associations_from_both_sides(server, admin):
    first, second = create(admin), create(admin, name="another")
    item = interactive_item(server)
    alice = Client(server, "publisher")
    content_path = "/v1/content/%s/oauth/integrations/associations" % item
    reference_path = "/v1/content/{guid}/oauth/integrations/associations"
    conforms(alice("PUT", content_path, json=[{"oauth_integration_guid": first["guid"]}]), "content",
             reference_path, "PUT")
    found = conforms(alice("GET", content_path), "content", reference_path, each=True)
    assert [list(a) for a in found] == [recorded_keys(
        "content/f2f37341-e21d-3d80-c698-a935ad614066/oauth/integrations/associations.json")]
    assert found[0]["app_guid"] == item and found[0]["oauth_integration_guid"] == first["guid"]
    assert found[0]["oauth_integration_name"] == "example integration"
    by_integration = conforms(admin("GET", "/v1/oauth/integrations/%s/associations" % first["guid"]),
                              "oauth-integrations", "/v1/oauth/integrations/{guid}/associations")
    assert by_integration == found
    assert list(by_integration[0]) == recorded_keys(
        "oauth/integrations/22644575-a27b-4118-ad06-e24459b05126/associations.json")
    assert admin("GET", "/v1/oauth/integrations/%s/associations" % second["guid"]).json() == []
    # both at once (2025.07.0 and later), then none
    both = [{"oauth_integration_guid": first["guid"]}, {"oauth_integration_guid": second["guid"]}]
    assert alice("PUT", content_path, json=both).status_code == 204
    assert [a["oauth_integration_guid"] for a in alice("GET", content_path).json()] == [first["guid"], second["guid"]]
    assert alice("PUT", content_path, json=[]).status_code == 204
    assert alice("GET", content_path).json() == []
    assert server.state.audit_logs[-1]["action"] == "set_content_oauth_integrations"


def test_deleting_an_integration_or_the_item_drops_its_associations(server, admin):
    made = create(admin)
    item = interactive_item(server)
    admin("PUT", "/v1/content/%s/oauth/integrations/associations" % item, json=[{"oauth_integration_guid": made["guid"]}])
    other = interactive_item(server, name="other-app")
    admin("PUT", "/v1/content/%s/oauth/integrations/associations" % other, json=[{"oauth_integration_guid": made["guid"]}])
    assert admin("DELETE", "/v1/content/" + other).status_code == 204
    assert [a["app_guid"] for a in admin("GET", "/v1/oauth/integrations/%s/associations" % made["guid"]).json()] == [item]
    conforms(admin("DELETE", "/v1/oauth/integrations/" + made["guid"]), "oauth-integrations",
             "/v1/oauth/integrations/{guid}", "DELETE")
    assert admin("GET", "/v1/content/%s/oauth/integrations/associations" % item).json() == []
    assert admin("GET", "/v1/oauth/integrations").json() == []


def test_setting_associations_refuses_bad_input_and_changes_nothing(server, admin):
    made = create(admin)
    item = interactive_item(server)
    static = server.add_content("static-report", owner="alice", app_mode="static")["guid"]
    path = "/v1/content/%s/oauth/integrations/associations"
    one = [{"oauth_integration_guid": made["guid"]}]
    alice, victor = Client(server, "publisher"), Client(server, "viewer")
    error(alice("PUT", path % item, json={"oauth_integration_guid": made["guid"]}), 400, "InvalidJson")
    error(alice("PUT", path % item, json=[{"oauth_integration_guid": "nope"}]), 400, "InvalidOAuthIntegrationGUID")
    error(alice("PUT", path % item, json=[{"oauth_integration_guid": "0a3b6cb3-2d0f-4b43-9b4e-6a1f3b5d2c11"}]), 400,
          "InvalidOAuthIntegrations")
    error(alice("PUT", path % item, json=one + one), 400, "InvalidOAuthIntegrationsDuplicates")
    error(alice("PUT", path % static, json=one), 400, "InvalidOAuthAssociationAssignment")
    error(victor("PUT", path % item, json=one), 403, "PermissionDenied")
    dave_item = interactive_item(server, owner="dave", name="daves-app")
    error(Client(server, "bob")("PUT", path % dave_item, json=one), 403, "PermissionDenied")
    assert not any(server.state.oauth_associations.values())


def test_a_publisher_uses_only_integrations_whose_access_list_allows_them(server, admin):
    bob = server.state.user_by_username("bob")["guid"]
    finance = next(g["guid"] for g in server.state.groups.values() if g["name"] == "Finance")
    restricted = create(admin, permissions=[{"user_guid": bob}, {"group_guid": finance}])
    item = interactive_item(server)
    path = "/v1/content/%s/oauth/integrations/associations" % item
    error(Client(server, "publisher")("PUT", path, json=[{"oauth_integration_guid": restricted["guid"]}]), 403,
          "PermissionDenied")
    erin_item = interactive_item(server, owner="erin", name="erin-app")  # erin is in Finance
    erin_path = "/v1/content/%s/oauth/integrations/associations" % erin_item
    assert Client(server, "erin")("PUT", erin_path, json=[{"oauth_integration_guid": restricted["guid"]}]).status_code == 204


def test_templates(admin):
    listed = conforms(admin("GET", "/v1/oauth/templates"), "oauth-integration-templates", "/v1/oauth/templates")
    assert {t["id"] for t in listed} >= {"custom", "connect"}
    custom = conforms(admin("GET", "/v1/oauth/templates/custom"), "oauth-integration-templates",
                      "/v1/oauth/templates/{key}")
    assert [f["name"] for f in custom["fields"] if f["secret"]] == ["client_secret"]
    error(admin("GET", "/v1/oauth/templates/nope"), 404, "ObjectDoesNotExist")


def test_sessions_belong_to_their_user(server, admin):
    made = create(admin)
    state = server.state
    alice, bob = (state.user_by_username(name)["guid"] for name in ("alice", "bob"))
    with state.lock:
        mine, theirs = add_session(state, alice, made["guid"]), add_session(state, bob, made["guid"], False)
    publisher = Client(server, "publisher")
    listed = conforms(publisher("GET", "/v1/oauth/sessions"), "oauth-sessions", "/v1/oauth/sessions")
    assert [s["guid"] for s in listed] == [mine["guid"]]
    assert list(listed[0]) == recorded_keys("oauth/sessions.json")
    one = conforms(publisher("GET", "/v1/oauth/sessions/" + mine["guid"]), "oauth-sessions", "/v1/oauth/sessions/{guid}")
    assert list(one) == recorded_keys("oauth/sessions/32c04dc6-0318-41b7-bc74-7e321b196f14.json") and one == listed[0]
    error(publisher("GET", "/v1/oauth/sessions/" + theirs["guid"]), 403, "PermissionDenied")
    error(publisher("DELETE", "/v1/oauth/sessions/" + theirs["guid"]), 403, "PermissionDenied")
    error(publisher("GET", "/v1/oauth/sessions?all=true"), 403, "PermissionDenied")
    assert [s["guid"] for s in admin("GET", "/v1/oauth/sessions?all=true").json()] == [mine["guid"], theirs["guid"]]
    assert admin("GET", "/v1/oauth/sessions").json() == []
    conforms(publisher("DELETE", "/v1/oauth/sessions/" + mine["guid"]), "oauth-sessions", "/v1/oauth/sessions/{guid}",
             "DELETE")
    error(publisher("GET", "/v1/oauth/sessions/" + mine["guid"]), 404, "ObjectDoesNotExist")
    assert admin("DELETE", "/v1/oauth/integrations/" + made["guid"]).status_code == 204
    assert state.oauth_sessions == {}


def test_one_association_per_item_before_2025_07_0():
    with StandIn(version="2025.06.0") as old:
        admin = Client(old)
        first, second = create(admin), create(admin, name="another")
        item = interactive_item(old)
        path = "/v1/content/%s/oauth/integrations/associations" % item
        both = [{"oauth_integration_guid": first["guid"]}, {"oauth_integration_guid": second["guid"]}]
        error(admin("PUT", path, json=both), 400, "InvalidOAuthAssociationAssignment")
        assert admin("PUT", path, json=both[:1]).status_code == 204


def test_the_area_is_absent_before_2024_08_0():
    paths = ["/v1/oauth/integrations", "/v1/oauth/templates", "/v1/oauth/sessions",
             "/v1/content/%s/oauth/integrations/associations"]
    for version, status in (("2024.06.0", 404), ("2024.08.0", 200)):
        with StandIn(version=version) as server:
            item = interactive_item(server)
            for path in paths:
                response = Client(server)("GET", path.replace("%s", item))
                assert response.status_code == status, (version, path, response.text)
                if status == 404:
                    error(response, 404, "ObjectDoesNotExist")


def test_audit_names_are_registered():
    from connect_standin.model import AUDIT_ACTIONS
    assert {"add_oauth_integration", "update_oauth_integration", "delete_oauth_integration",
            "verify_oauth_integration", "set_content_oauth_integrations"} <= set(AUDIT_ACTIONS)
