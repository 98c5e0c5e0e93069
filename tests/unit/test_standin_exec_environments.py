"""The stand-in's execution environments and their permissions (connect_standin/exec_environments.py) against
Connect's OpenAPI reference and the recorded responses: shapes, keys, error codes, who may do what and the
version gates."""

import pytest

from connect_standin import StandIn
from connect_standin.exec_environments import add_environment
from standin_helpers import HOSTILE, Client, conforms, error, recorded_keys

STANDIN = {"version": "2026.01.0"}
MISSING = "0a3b6cb3-2d0f-4b43-9b4e-6a1f3b5d2c11"
PYTHON = {"installations": [{"version": "3.12.4", "path": "/opt/python/3.12.4/bin/python3"}]}


@pytest.fixture(scope="module")
def server(module_server):
    return module_server


def create(admin, name="ghcr.io/rstudio/content-base:r4.4-py3.12", **extra):
    body = dict({"title": "title", "name": name, "cluster_name": "Kubernetes"}, **extra)
    return conforms(admin("POST", "/v1/environments", json=body), "environments", "/v1/environments", "POST")


def test_environment_answers_have_the_recorded_keys(server, admin):
    made = create(admin)
    assert list(made) == recorded_keys("environments.json")
    assert list(made) == recorded_keys("environments/25438b83-ea6d-4839-ae8e-53c52ac5f9ce.json")
    assert made["matching"] == "any" and made["environment_type"] == "Kubernetes" and made["python"] is None
    got = conforms(admin("GET", "/v1/environments/" + made["guid"]), "environments", "/v1/environments/{guid}")
    listed = conforms(admin("GET", "/v1/environments"), "environments", "/v1/environments")
    assert got == made and listed == [made]
    assert server.state.audit_logs[-1]["action"] == "add_execution_environment"


def test_put_replaces_every_writable_field(server, admin):
    made = create(admin, description="first", matching="exact", supervisor="/usr/local/bin/supervisor.sh",
                  python=PYTHON)
    assert made["python"] == PYTHON and made["matching"] == "exact"
    path = "/v1/environments/" + made["guid"]
    updated = conforms(admin("PUT", path, json={"title": "new-title"}), "environments", "/v1/environments/{guid}",
                       "PUT")
    assert updated["title"] == "new-title" and updated["name"] == made["name"]
    assert (updated["description"], updated["matching"], updated["supervisor"], updated["python"]) == (
        None, "any", None, None)
    error(admin("PUT", path, json={"name": "other"}), 400, "ImmutableFields")
    error(admin("PUT", path, json={"cluster_name": "Local"}), 400, "ImmutableFields")
    assert admin("GET", path).json() == updated


def test_hostile_titles_are_data(admin):
    made = create(admin, title=HOSTILE, description=HOSTILE)
    assert (made["title"], made["description"]) == (HOSTILE, HOSTILE)


@pytest.mark.parametrize("body, name", [
    ({"title": "t", "cluster_name": "Kubernetes"}, "InvalidEnvironmentName"),
    ({"title": "t", "name": "img"}, "InvalidEnvironmentClusterName"),
    ({"title": 5, "name": "img", "cluster_name": "Kubernetes"}, "InvalidEnvironmentTitle"),
    ({"description": [], "name": "img", "cluster_name": "Kubernetes"}, "InvalidEnvironmentDescription"),
    ({"supervisor": 1, "name": "img", "cluster_name": "Kubernetes"}, "InvalidEnvironmentSupervisor"),
    ({"matching": "some", "name": "img", "cluster_name": "Kubernetes"}, "UnknownEnvironmentMatchingType"),
    ({"python": {"installations": [{"version": "3.12", "path": "python"}]}, "name": "img",
      "cluster_name": "Kubernetes"}, "InvalidInstallationPath"),
    ({"r": {"installations": [{"version": "", "path": "/opt/R"}]}, "name": "img", "cluster_name": "Kubernetes"},
     "InvalidInstallationVersion"),
    ({"guid": MISSING, "name": "img", "cluster_name": "Kubernetes"}, "InvalidJson"),
])
def test_create_refuses_bad_input_and_changes_nothing(server, admin, body, name):
    error(admin("POST", "/v1/environments", json=body), 400, name)
    assert server.state.exec_environments == {}


def test_duplicate_image_and_config_managed_environments(server, admin):
    made = create(admin)
    error(admin("POST", "/v1/environments", json={"name": made["name"], "cluster_name": "Kubernetes"}), 400,
          "DuplicateEnvironmentName")
    with server.state.lock:
        managed = add_environment(server.state, "ghcr.io/example/managed:1", title="managed", managed_by="config")
    path = "/v1/environments/" + managed["guid"]
    error(admin("PUT", path, json={"title": "x"}), 409, "EnvironmentIsConfigManaged")
    error(admin("DELETE", path), 409, "EnvironmentIsConfigManaged")
    assert server.state.exec_environments[managed["guid"]]["title"] == "managed"


def test_delete(server, admin):
    made = create(admin)
    conforms(admin("DELETE", "/v1/environments/" + made["guid"]), "environments", "/v1/environments/{guid}", "DELETE")
    assert admin("GET", "/v1/environments").json() == []
    error(admin("DELETE", "/v1/environments/" + made["guid"]), 404, "ObjectDoesNotExist")
    error(admin("GET", "/v1/environments/not-a-guid"), 400, "InvalidId")
    assert server.state.audit_logs[-1]["action"] == "delete_execution_environment"


def test_who_may_do_what(server, admin):
    made = create(admin)
    path = "/v1/environments/" + made["guid"]
    alice, victor = Client(server, "publisher"), Client(server, "viewer")
    assert alice("GET", "/v1/environments").json() == [made] and alice("GET", path).json() == made
    error(alice("POST", "/v1/environments", json={"name": "img", "cluster_name": "Kubernetes"}), 403,
          "PermissionDenied")
    error(alice("PUT", path, json={"title": "x"}), 403, "PermissionDenied")
    error(alice("DELETE", path), 403, "PermissionDenied")
    error(alice("GET", path + "/permissions"), 403, "PermissionDenied")
    for response in (victor("GET", "/v1/environments"), victor("GET", path)):
        error(response, 403, "PermissionDenied")
    assert len(server.state.exec_environments) == 1 and admin("GET", path).json() == made


def test_permissions_restrict_publishers(server, admin):
    made = create(admin)
    path = "/v1/environments/%s/permissions" % made["guid"]
    reference = "/v1/environments/{guid}/permissions"
    bob = server.state.user_by_username("bob")["guid"]
    finance = next(g["guid"] for g in server.state.groups.values() if g["name"] == "Finance")
    granted = conforms(admin("POST", path, json={"user_guid": bob}), "environment-permissions", reference, "POST")
    assert (granted["environment_guid"], granted["user_guid"], granted["group_guid"]) == (made["guid"], bob, None)
    group = conforms(admin("POST", path, json={"group_guid": finance}), "environment-permissions", reference, "POST")
    listed = conforms(admin("GET", path), "environment-permissions", reference)
    assert listed == [granted, group]
    one = conforms(admin("GET", "%s/%s" % (path, granted["guid"])), "environment-permissions",
                   reference + "/{permission_guid}")
    assert one == granted
    # alice is neither bob nor in Finance; erin is in Finance
    assert Client(server, "publisher")("GET", "/v1/environments").json() == []
    error(Client(server, "publisher")("GET", "/v1/environments/" + made["guid"]), 403, "PermissionDenied")
    assert [e["guid"] for e in Client(server, "erin")("GET", "/v1/environments").json()] == [made["guid"]]
    assert [e["guid"] for e in Client(server, "bob")("GET", "/v1/environments").json()] == [made["guid"]]
    response = admin("DELETE", "%s/%s" % (path, group["guid"]))
    conforms(response, "environment-permissions", reference + "/{permission_guid}", "DELETE")
    assert Client(server, "erin")("GET", "/v1/environments").json() == []
    assert server.state.audit_logs[-1]["action"] == "remove_execution_environment_permission"


@pytest.mark.parametrize("body, name", [
    ({}, "InvalidEnvironmentPermission"),
    ({"user_guid": "USER", "group_guid": "GROUP"}, "InvalidEnvironmentPermission"),
    ({"user_guid": MISSING}, "InvalidUserGUID"),
    ({"group_guid": MISSING}, "InvalidGroupGUID"),
    ({"user_guid": "USER", "role": "owner"}, "InvalidJson"),
])
def test_permission_input_errors(server, admin, body, name):
    made = create(admin)
    user = server.state.user_by_username("bob")["guid"]
    group = next(iter(server.state.groups))
    body = {k: {"USER": user, "GROUP": group}.get(v, v) for k, v in body.items()}
    error(admin("POST", "/v1/environments/%s/permissions" % made["guid"], json=body), 400, name)
    assert server.state.exec_environments[made["guid"]]["permissions"] == []


def test_duplicate_and_unknown_permissions(server, admin):
    made = create(admin)
    path = "/v1/environments/%s/permissions" % made["guid"]
    bob = server.state.user_by_username("bob")["guid"]
    admin("POST", path, json={"user_guid": bob})
    error(admin("POST", path, json={"user_guid": bob}), 400, "DuplicateEnvironmentPermission")
    error(admin("GET", path + "/" + MISSING), 404, "ObjectDoesNotExist")
    error(admin("DELETE", path + "/" + MISSING), 404, "ObjectDoesNotExist")
    error(admin("GET", "/v1/environments/%s/permissions" % MISSING), 404, "ObjectDoesNotExist")


def test_version_gates():
    with StandIn(version="2023.04.0") as old:
        error(Client(old)("GET", "/v1/environments"), 404, "ObjectDoesNotExist")
    with StandIn(version="2025.04.0") as before:
        admin = Client(before)
        made = create(admin)
        assert admin("GET", "/v1/environments").status_code == 200
        error(admin("GET", "/v1/environments/%s/permissions" % made["guid"]), 404, "ObjectDoesNotExist")
    with StandIn(version="2025.05.0") as first:
        made = create(Client(first))
        assert Client(first)("GET", "/v1/environments/%s/permissions" % made["guid"]).json() == []


def test_audit_names_are_registered():
    from connect_standin.model import AUDIT_ACTIONS
    assert {"add_execution_environment", "update_execution_environment", "delete_execution_environment",
            "add_execution_environment_permission", "remove_execution_environment_permission"} <= set(AUDIT_ACTIONS)
