"""Execution environments and their permissions (posit-environments-api-openapi.yml,
posit-environment-permissions-api-openapi.yml). Not to be confused with content environment variables
(environment.py).

* Administrators create (POST), replace (PUT: every field not sent returns to its default) and delete
  environments; ``name`` and ``cluster_name`` are fixed once created (400 code 53). An environment that a
  configuration file manages (``managed_by`` set, only by ``add_environment``) answers 409 code 265 to PUT
  and DELETE.
* Answers carry the keys of the recorded response (fixtures/posit-sdk-py/__api__/v1/environments.json);
  an interpreter list never given is ``null`` there, as recorded.
* Permissions (from 2025.05.0, see ``PERMISSIONS_SINCE``): administrators only. An environment with no
  permission entries is visible to every publisher; with entries, only to the publishers they name
  (directly or through a group). Administrators see every environment; viewers none (403).
"""

import time

from . import model
from .errors import APIError, bad_request, forbidden, not_found
from .integrations import access_entry, listed, require
from .model import GUID, fmt_time

# The first version with the environments API: posit-sdk 0.17.0 gates `Client.environments` with
# @requires(version="2023.05.0") (src/posit/connect/client.py); its suite skips test_environments.py below
# 2023.05.0 ("Environments API unavailable").
SINCE = (2023, 5, 0)
# Environment permissions: NOT CONFIRMED. No release note or SDK gate for them could be found. Their error codes
# (246 InvalidEnvironmentPermission, 247 DuplicateEnvironmentPermission) come after 243-244
# (VisitorApiKeyExchange*), whose "Connect Visitor API Key" integration Connect creates from 2025.05.0
# (comment in posit-sdk 0.17.0 integration/tests/posit/connect/oauth/test_associations.py); so 2025.05.0 is
# the earliest version consistent with the error-code table, and the stand-in serves them from there.
PERMISSIONS_SINCE = (2025, 5, 0)

# Connect audits these changes, but the action names could not be read
# (tests/fixtures/connect-api/audit-actions.md): these names are NOT CONFIRMED.
AUDIT_ACTIONS = {
    "add_execution_environment": "Create an execution environment (name not confirmed).",
    "update_execution_environment": "Update an execution environment (name not confirmed).",
    "delete_execution_environment": "Delete an execution environment (name not confirmed).",
    "add_execution_environment_permission": "Grant access to an execution environment (name not confirmed).",
    "remove_execution_environment_permission": "Revoke access to an execution environment (name not confirmed).",
}
model.AUDIT_ACTIONS.update(AUDIT_ACTIONS)

MATCHING = ("any", "exact", "none")
INSTALLATIONS = ("python", "quarto", "r", "tensorflow", "nodejs")
# Writable fields of UpdateEnvironmentInput and their value when a PUT leaves them out.
UPDATE_DEFAULTS = {"title": None, "description": None, "matching": "any", "supervisor": None, "python": None,
                   "nodejs": None, "quarto": None, "r": None, "tensorflow": None, "volume_mounts": []}
CREATE_FIELDS = ("cluster_name", "name", *UPDATE_DEFAULTS)


def environment_out(record):
    """The recorded shape (nodejs, volume_mounts and managed_by are kept but not in any recording)."""
    out = {"id": record["id"], "guid": record["guid"], "created_time": fmt_time(record["created_time"]),
           "updated_time": fmt_time(record["updated_time"])}
    for field in ("title", "description", "cluster_name", "name", "environment_type", "matching", "supervisor",
                  "python", "quarto", "r", "tensorflow"):
        out[field] = record[field]
    return out


def permission_out(record, perm):
    return {"id": perm["id"], "guid": perm["guid"], "environment_guid": record["guid"],
            "user_guid": perm["user_guid"], "group_guid": perm["group_guid"]}


def add_environment(state, name, title=None, cluster_name="Kubernetes", managed_by=None, created=None, **fields):
    """Store an environment directly (seeding and tests); no rules, no audit."""
    number = state.next_id("exec_environment")
    stamp = int(time.time()) if created is None else created
    record = dict(UPDATE_DEFAULTS, title=title, **fields)
    record.update(id=str(number), guid=model.make_guid(state.seed_name, "exec_environment", number),
                  created_time=stamp, updated_time=stamp, cluster_name=cluster_name, name=name,
                  environment_type="Kubernetes", managed_by=managed_by, permissions=[])
    state.exec_environments[record["guid"]] = record
    return record


# ----------------------------------------------------------------- checks
def _installations(field, value):
    if value is None:
        return None
    ok = isinstance(value, dict) and set(value) <= {"installations"} and isinstance(value.get("installations", []), list)
    if not ok:
        raise bad_request("InvalidJson", f"{field} must be an object {{installations: [{{version, path}}]}}.")
    for entry in value.get("installations", []):
        if not isinstance(entry, dict) or set(entry) - {"version", "path"}:
            raise bad_request("InvalidJson", f"Each {field} installation takes version and path.")
        if not isinstance(entry.get("path"), str) or not entry["path"].startswith("/"):
            raise bad_request("InvalidInstallationPath", f"A {field} installation needs an absolute path.")
        if not isinstance(entry.get("version"), str) or not entry["version"].strip():
            raise bad_request("InvalidInstallationVersion", f"A {field} installation needs a version.")
    return {"installations": [dict(e) for e in value.get("installations", [])]}


def _fields(state, body, allowed, guid=None):
    """Validate a CreateEnvironmentInput / UpdateEnvironmentInput body; answer the values it sets."""
    if not isinstance(body, dict):
        raise bad_request("InvalidJson", "The request body must be a JSON object.")
    for field in body:
        if field not in allowed:
            if field in ("name", "cluster_name"):
                raise bad_request("ImmutableFields", f"The {field} of an environment cannot be changed.")
            raise bad_request("InvalidJson", f'json: unknown field "{field}"')
    checks = (("title", "InvalidEnvironmentTitle"), ("description", "InvalidEnvironmentDescription"),
              ("supervisor", "InvalidEnvironmentSupervisor"))
    for field, name in checks:
        if body.get(field) is not None and not isinstance(body[field], str):
            raise bad_request(name, f"{field} must be a string or null.")
    for field, name in (("cluster_name", "InvalidEnvironmentClusterName"), ("name", "InvalidEnvironmentName")):
        if field in allowed and not (isinstance(body.get(field), str) and body[field].strip()):
            raise bad_request(name, f"{field} is required.")
    if body.get("matching") is not None and body["matching"] not in MATCHING:
        raise bad_request("UnknownEnvironmentMatchingType", f"matching must be one of {', '.join(MATCHING)}.")
    if not isinstance(body.get("volume_mounts", []), list):
        raise bad_request("InvalidJson", "volume_mounts must be a list.")
    values = dict(UPDATE_DEFAULTS)
    values.update({k: v for k, v in body.items() if v is not None or k not in ("matching", "volume_mounts")})
    for field in INSTALLATIONS:
        values[field] = _installations(field, values[field])
    if "name" in body:
        if any(r["name"] == body["name"] and r["guid"] != guid for r in state.exec_environments.values()):
            raise bad_request("DuplicateEnvironmentName", f"An environment for the image {body['name']!r} exists.")
    return values


def _may_see(req, record):
    user = req.user
    if user["user_role"] == "administrator":
        return True
    if user["user_role"] != "publisher":
        return False
    if not record["permissions"] or req.settings["version_tuple"] < PERMISSIONS_SINCE:
        return True
    return listed(req.state, user, record["permissions"])


def _find(req, guid):
    record = req.state.exec_environments.get(model.check_guid(guid))
    if record is None:
        raise not_found("The execution environment does not exist.")
    if not _may_see(req, record):
        raise forbidden()
    return record


def _writable(req, guid):
    require(req, admin_only=True)
    record = _find(req, guid)
    if record["managed_by"]:
        raise APIError(409, "EnvironmentIsConfigManaged",
                       "This environment is managed by a configuration file and cannot be changed through the API.")
    return record


# --------------------------------------------------------------- handlers
def list_environments(req):
    require(req, admin_only=False)
    records = sorted(req.state.exec_environments.values(), key=lambda r: int(r["id"]))
    return 200, [environment_out(r) for r in records if _may_see(req, r)]


def get_environment(req, guid):
    require(req, admin_only=False)
    return 200, environment_out(_find(req, guid))


def create_environment(req):
    require(req, admin_only=True)
    values = _fields(req.state, req.json(), CREATE_FIELDS)
    record = add_environment(req.state, **values)
    req.state.record(req.user, "add_execution_environment",
                     f"Added execution environment {record['name']} [{record['guid']}]")
    return 200, environment_out(record)


def update_environment(req, guid):
    record = _writable(req, guid)
    values = _fields(req.state, req.json(), tuple(UPDATE_DEFAULTS), record["guid"])
    record.update(values, updated_time=int(time.time()))
    req.state.record(req.user, "update_execution_environment",
                     f"Updated execution environment {record['name']} [{record['guid']}]")
    return 200, environment_out(record)


def delete_environment(req, guid):
    record = _writable(req, guid)
    del req.state.exec_environments[record["guid"]]
    req.state.record(req.user, "delete_execution_environment",
                     f"Deleted execution environment {record['name']} [{record['guid']}]")
    return 204, None


def list_permissions(req, guid):
    require(req, admin_only=True)
    record = _find(req, guid)
    return 200, [permission_out(record, p) for p in record["permissions"]]


def _find_permission(req, guid, permission_guid):
    require(req, admin_only=True)
    record = _find(req, guid)
    for perm in record["permissions"]:
        if perm["guid"] == permission_guid.lower():
            return record, perm
    raise not_found("The permission does not exist.")


def get_permission(req, guid, permission_guid):
    return 200, permission_out(*_find_permission(req, guid, permission_guid))


def add_permission(req, guid):
    require(req, admin_only=True)
    state, record = req.state, _find(req, guid)
    entry, who = access_entry(state, req.json(), "InvalidEnvironmentPermission")
    if any(p["user_guid"] == entry["user_guid"] and p["group_guid"] == entry["group_guid"]
           for p in record["permissions"]):
        raise bad_request("DuplicateEnvironmentPermission", f"The {who} already has access to this environment.")
    number = state.next_id("exec_environment_permission")
    perm = dict(entry, id=str(number), guid=model.make_guid(state.seed_name, "exec_environment_permission", number))
    record["permissions"].append(perm)
    state.record(req.user, "add_execution_environment_permission",
                 f"Granted {who} access to execution environment {record['name']} [{record['guid']}]")
    return 200, permission_out(record, perm)


def delete_permission(req, guid, permission_guid):
    record, perm = _find_permission(req, guid, permission_guid)
    record["permissions"].remove(perm)
    state = req.state
    if perm["user_guid"]:
        who = f"user {model.describe_user(state.users.get(perm['user_guid']))}"
    else:
        who = f"group {(state.groups.get(perm['group_guid']) or {}).get('name', perm['group_guid'])}"
    state.record(req.user, "remove_execution_environment_permission",
                 f"Revoked access of {who} to execution environment {record['name']} [{record['guid']}]")
    return 204, None


PERMISSION = r"(?P<permission_guid>[^/]+)"
ROUTES = [
    ("GET", r"/v1/environments", list_environments, {"since": SINCE}),
    ("POST", r"/v1/environments", create_environment, {"since": SINCE}),
    ("GET", rf"/v1/environments/{GUID}", get_environment, {"since": SINCE}),
    ("PUT", rf"/v1/environments/{GUID}", update_environment, {"since": SINCE}),
    ("DELETE", rf"/v1/environments/{GUID}", delete_environment, {"since": SINCE}),
    ("GET", rf"/v1/environments/{GUID}/permissions", list_permissions, {"since": PERMISSIONS_SINCE}),
    ("POST", rf"/v1/environments/{GUID}/permissions", add_permission, {"since": PERMISSIONS_SINCE}),
    ("GET", rf"/v1/environments/{GUID}/permissions/{PERMISSION}", get_permission, {"since": PERMISSIONS_SINCE}),
    ("DELETE", rf"/v1/environments/{GUID}/permissions/{PERMISSION}", delete_permission, {"since": PERMISSIONS_SINCE}),
]
