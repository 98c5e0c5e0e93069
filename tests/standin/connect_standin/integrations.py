"""OAuth integrations, their templates and their content associations.

Contract: posit-oauth-integrations-api-openapi.yml, posit-oauth-integration-templates-api-openapi.yml and the
content API's ``/v1/content/{guid}/oauth/integrations/associations``; answers carry exactly the keys of the
recorded responses (tests/fixtures/connect-api/fixtures/posit-sdk-py/__api__/v1/oauth/...).

* Administrators create, update, delete and verify integrations and list an integration's associations;
  administrators and publishers list and read integrations and templates; viewers get 403.
* A template field marked ``secret`` (``client_secret``) is stored but never answered.
* PATCH merges ``config`` key by key (a secret not sent is kept); ``template`` cannot change (400 code 229).
* ``PUT /v1/content/{guid}/oauth/integrations/associations`` (edit rights on the item) replaces the item's
  associations with ``[{"oauth_integration_guid": ...}]``; before 2025.07.0 at most one. Only interactive
  content takes an integration. A publisher may use an integration whose access list is empty or names
  them (directly or through a group).
* OAuth sessions (posit-oauth-sessions-api-openapi.yml) come from viewers logging in through a browser, which
  the stand-in cannot do: ``add_session`` stores one. A user lists, reads and deletes their own sessions; an
  administrator any (``GET /v1/oauth/sessions?all=true`` lists everyone's).
* The whole area answers 404 below 2024.08.0 (see ``SINCE``).
"""

import time

from . import model
from .errors import bad_request, forbidden, not_found
from .model import GUID, fmt_time

# The first Connect version with the OAuth integrations API: posit-sdk 0.17.0 gates `Client.oauth` with
# @requires(version="2024.08.0") (src/posit/connect/client.py) and its integration suite skips the OAuth tests
# when CONNECT_VERSION <= 2024.06.0 (integration/tests/posit/connect/oauth/test_integrations.py).
SINCE = (2024, 8, 0)
# More than one integration per content item: the suite skips test_find_update_by_content_multiple below
# 2025.07.0 ("Multi associations not supported", oauth/test_associations.py).
MULTIPLE_SINCE = (2025, 7, 0)

# Connect audits every change to an integration ("All actions to manage OAuth integrations (creating, editing,
# deleting, and testing) are audited events", docs.posit.co/connect/user/managing-integrations/), but the
# action names could not be read (tests/fixtures/connect-api/audit-actions.md): these names are NOT CONFIRMED.
AUDIT_ACTIONS = {
    "add_oauth_integration": "Create an OAuth integration (name not confirmed).",
    "update_oauth_integration": "Update an OAuth integration (name not confirmed).",
    "delete_oauth_integration": "Delete an OAuth integration (name not confirmed).",
    "verify_oauth_integration": "Test an OAuth service account integration (name not confirmed).",
    "set_content_oauth_integrations": "Set the OAuth integrations of a content item (name not confirmed).",
}
model.AUDIT_ACTIONS.update(AUDIT_ACTIONS)

# App modes that run a process per viewer ("OAuth integrations are only supported for interactive content
# types", docs.posit.co/connect/admin/integrations/oauth-integrations/); the app_mode list of the content API.
INTERACTIVE_MODES = ("api", "jupyter-voila", "python-api", "python-bokeh", "python-dash", "python-fastapi",
                     "python-gradio", "python-panel", "python-shiny", "python-streamlit", "quarto-shiny",
                     "rmd-shiny", "shiny", "tensorflow-saved-model")


def _option(name, label, values, order):
    return {"name": name, "description": "", "order": order, "label": label, "type": "select",
            "values": list(values), "default": {}}


def _field(name, label, order, secret=False):
    return {"name": name, "description": "", "order": order, "label": label, "default": "", "validation": "",
            "validation_description": "", "secret": secret, "multiline": False}


# Two of Connect's templates, with the configuration their documentation pages name
# (docs.posit.co/connect/admin/integrations/oauth-integrations/custom/ and .../connect/).
TEMPLATES = {
    "custom": {
        "id": "custom", "name": "Custom",
        "description": "A Custom integration is used to create OAuth integrations of any type",
        "sections": [{"id": 1, "order": 1, "name": "Configuration", "description": ""}],
        "options": [_option("auth_mode", "Auth Mode", ("Confidential", "Public"), 1),
                    _option("auth_type", "Authentication Type", ("Viewer", "Service Account"), 8)],
        "fields": [_field("client_id", "Client ID", 2), _field("client_secret", "Client Secret", 3, secret=True),
                   _field("authorization_uri", "Authorization URI", 4), _field("token_uri", "Token URI", 5),
                   _field("token_endpoint_auth_method", "Token Endpoint Auth Method", 6),
                   _field("scopes", "Scopes", 7)],
        "environment_variables": [],
    },
    "connect": {
        "id": "connect", "name": "Connect API",
        "description": "Lets content call the Connect API on behalf of the user visiting it.",
        "sections": [{"id": 1, "order": 1, "name": "Configuration", "description": ""}],
        "options": [_option("max_role", "Maximum Role", ("Administrator", "Publisher", "Viewer"), 1)],
        "fields": [],
        "environment_variables": [],
    },
}


def _secrets(template):
    return {f["name"] for f in TEMPLATES[template]["fields"] if f["secret"]} if template in TEMPLATES else set()


def integration_out(record):
    """The recorded shape; secret configuration values are never answered."""
    hidden = _secrets(record["template"])
    return {"id": record["id"], "guid": record["guid"], "created_time": fmt_time(record["created_time"]),
            "updated_time": fmt_time(record["updated_time"]), "name": record["name"],
            "description": record["description"], "template": record["template"],
            "config": {k: v for k, v in record["config"].items() if k not in hidden}}


def _association_out(state, content_guid, link):
    record = state.integrations[link["integration_guid"]]
    return {"app_guid": content_guid, "oauth_integration_guid": record["guid"],
            "oauth_integration_name": record["name"], "oauth_integration_description": record["description"],
            "oauth_integration_template": record["template"], "created_time": fmt_time(link["created_time"])}


def _links(state):
    """(content guid, link) for every association whose item and integration still exist."""
    return [(guid, link) for guid, links in state.oauth_associations.items() if guid in state.content
            for link in links if link["integration_guid"] in state.integrations]


# ----------------------------------------------------------------- checks
def require(req, admin_only):
    """api.py's role checks: administrators only, or administrators and publishers (viewers 403)."""
    from .api import require_admin, require_publisher  # api imports this module for its ROUTES
    (require_admin if admin_only else require_publisher)(req)


def _integration(state, guid, unknown):
    """The integration a request names: 400 code 207 malformed, the error `unknown` when there is none."""
    if not isinstance(guid, str) or not model.GUID_RE.match(guid):
        raise bad_request("InvalidOAuthIntegrationGUID", f"The OAuth integration identifier {guid!r} is not a valid GUID.")
    record = state.integrations.get(guid.lower())
    if record is None:
        raise unknown
    return record


def _find(req, guid, admin_only=True):
    """The integration a request names, once `require` lets the caller in (404 when there is none)."""
    require(req, admin_only)
    return _integration(req.state, guid, not_found("The OAuth integration does not exist."))


def _named(record):
    """An integration as the audit log names it."""
    return f"OAuth integration {record['name']} [{record['guid']}]"


def access_entry(state, entry, neither):
    """One access-list entry {user_guid} or {group_guid} naming an existing user or group (also used by
    exec_environments.py): (stored entry, description for the audit log). neither: the error name when the
    entry names both or none."""
    if not isinstance(entry, dict) or set(entry) - {"user_guid", "group_guid"}:
        raise bad_request("InvalidJson", "An access entry takes user_guid or group_guid.")
    user, group = entry.get("user_guid"), entry.get("group_guid")
    if (user is None) == (group is None):
        raise bad_request(neither, "Name exactly one of user_guid and group_guid.")
    if user is not None:
        if not isinstance(user, str) or not model.GUID_RE.match(user) or user.lower() not in state.users:
            raise bad_request("InvalidUserGUID", f"The user {user!r} does not exist.")
        return {"user_guid": user.lower(), "group_guid": None}, f"user {model.describe_user(state.users[user.lower()])}"
    if not isinstance(group, str) or not model.GUID_RE.match(group) or group.lower() not in state.groups:
        raise bad_request("InvalidGroupGUID", f"The group {group!r} does not exist.")
    return {"user_guid": None, "group_guid": group.lower()}, f"group {state.groups[group.lower()]['name']}"


def listed(state, user, entries):
    """Whether access entries name the user, directly or through one of their groups."""
    groups = state.groups_of(user["guid"])
    return any(e["user_guid"] == user["guid"] or e["group_guid"] in groups for e in entries)


def _body(req, allowed):
    body = req.json()
    if not isinstance(body, dict):
        raise bad_request("InvalidJson", "The request body must be a JSON object.")
    if "template" in body and "template" not in allowed:
        raise bad_request("OAuthTemplateProhibitedChange", "The template of an OAuth integration cannot be changed.")
    for field in body:
        if field not in allowed:
            raise bad_request("InvalidJson", f'json: unknown field "{field}"')
    for field, name in (("name", "InvalidOAuthIntegrationName"), ("description", "InvalidOAuthIntegrationDescription")):
        if field in body and body[field] is not None and not isinstance(body[field], str):
            raise bad_request(name, f"{field} must be a string.")
    if "name" in body and not (body["name"] or "").strip():
        raise bad_request("InvalidOAuthIntegrationName", "An OAuth integration needs a name.")
    if "config" in body and not isinstance(body["config"], dict):
        raise bad_request("OAuthTemplateConfig", "config must be an object of the template's options and fields.")
    if body.get("permissions") is not None:
        if not isinstance(body["permissions"], list):
            raise bad_request("InvalidJson", "permissions must be a list.")
        body["permissions"] = [access_entry(req.state, p, "InvalidParameter")[0] for p in body["permissions"]]
    return body


def _check_config(template, config):
    """Select options take one of their values; every value is a string."""
    for key, value in config.items():
        if not isinstance(value, str):
            raise bad_request("OAuthTemplateConfig", f"The configuration value of {key!r} must be a string.")
    for option in TEMPLATES[template]["options"]:
        value = config.get(option["name"])
        if value is not None and value not in option["values"]:
            raise bad_request("OAuthTemplateConfig",
                              f"{option['name']} must be one of {', '.join(option['values'])}.")


def may_use(state, user, record):
    """Administrators use every integration; others one whose access list is empty or names them."""
    return user["user_role"] == "administrator" or not record["permissions"] or listed(state, user, record["permissions"])


# --------------------------------------------------------------- handlers
def list_integrations(req):
    require(req, admin_only=False)
    records = sorted(req.state.integrations.values(), key=lambda r: int(r["id"]))
    return 200, [integration_out(r) for r in records]


def get_integration(req, guid):
    return 200, integration_out(_find(req, guid, admin_only=False))


def create_integration(req):
    require(req, admin_only=True)
    body = _body(req, ("name", "description", "template", "config", "permissions"))
    template = body.get("template")
    if not isinstance(template, str) or template not in TEMPLATES:
        raise bad_request("OAuthTemplateNotFound", f"There is no OAuth template {template!r}.")
    if "name" not in body:
        raise bad_request("InvalidOAuthIntegrationName", "An OAuth integration needs a name.")
    config = dict(body.get("config") or {})
    _check_config(template, config)
    state, now = req.state, int(time.time())
    number = state.next_id("oauth_integration")
    record = {"id": str(number), "guid": model.make_guid(state.seed_name, "oauth_integration", number),
              "created_time": now, "updated_time": now, "name": body["name"], "description": body.get("description"),
              "template": template, "config": config, "permissions": body.get("permissions") or []}
    state.integrations[record["guid"]] = record
    state.record(req.user, "add_oauth_integration", f"Added {_named(record)}")
    return 200, integration_out(record)


def update_integration(req, guid):
    record = _find(req, guid)
    body = _body(req, ("name", "description", "config", "permissions"))
    config = dict(record["config"], **(body.get("config") or {}))
    _check_config(record["template"], config)
    for field in ("name", "description"):
        if field in body:
            record[field] = body[field]
    if body.get("permissions") is not None:
        record["permissions"] = body["permissions"]
    record.update(config=config, updated_time=int(time.time()))
    changed = ", ".join(sorted(body)) or "no fields"
    req.state.record(req.user, "update_oauth_integration",
                     f"Updated {_named(record)}: {changed}")
    return 200, integration_out(record)


def delete_integration(req, guid):
    record = _find(req, guid)
    del req.state.integrations[record["guid"]]
    for session in [s for s in req.state.oauth_sessions.values() if s["oauth_integration_guid"] == record["guid"]]:
        del req.state.oauth_sessions[session["guid"]]
    for links in req.state.oauth_associations.values():
        links[:] = [link for link in links if link["integration_guid"] != record["guid"]]
    req.state.record(req.user, "delete_oauth_integration",
                     f"Deleted {_named(record)}")
    return 204, None


def verify_integration(req, guid):
    """Only a "Service Account" integration can be tested; the stand-in reaches no provider, so it passes."""
    record = _find(req, guid)
    if record["config"].get("auth_type") != "Service Account":
        raise bad_request("OAuthServiceAccountTestInvalidAuthType",
                          "Only a Service Account integration can be verified.")
    req.state.record(req.user, "verify_oauth_integration",
                     f"Verified {_named(record)}")
    return 200, None


def integration_associations(req, guid):
    record = _find(req, guid)
    return 200, [_association_out(req.state, content_guid, link) for content_guid, link in _links(req.state)
                 if link["integration_guid"] == record["guid"]]


def content_associations(req, guid):
    item = req.state.find_content(req.user, guid)
    return 200, [_association_out(req.state, content_guid, link) for content_guid, link in _links(req.state)
                 if content_guid == item["guid"]]


def set_content_associations(req, guid):
    state = req.state
    item = state.find_content(req.user, guid)
    if not state.can_edit(req.user, item):
        raise forbidden()
    body = req.json()
    if not isinstance(body, list) or not all(isinstance(e, dict) and set(e) == {"oauth_integration_guid"}
                                             for e in body):
        raise bad_request("InvalidJson", 'The request body must be a list of {"oauth_integration_guid": ...}.')
    records = [_integration(state, entry["oauth_integration_guid"],
                            bad_request("InvalidOAuthIntegrations", "An OAuth integration in the list does not exist."))
               for entry in body]
    guids = [r["guid"] for r in records]
    if len(set(guids)) != len(guids):
        raise bad_request("InvalidOAuthIntegrationsDuplicates", "An OAuth integration is listed more than once.")
    if len(guids) > 1 and req.settings["version_tuple"] < MULTIPLE_SINCE:
        raise bad_request("InvalidOAuthAssociationAssignment", "A content item takes one OAuth integration.")
    if guids and item["app_mode"] not in INTERACTIVE_MODES:
        raise bad_request("InvalidOAuthAssociationAssignment",
                          "OAuth integrations are only supported for interactive content.")
    for record in records:
        if not may_use(state, req.user, record):
            raise forbidden(f"You may not use the OAuth integration {record['guid']}.")
    old = {link["integration_guid"]: link for link in state.oauth_associations.get(item["guid"], [])}
    now = int(time.time())
    state.oauth_associations[item["guid"]] = [old.get(g) or {"integration_guid": g, "created_time": now} for g in guids]
    state.record(req.user, "set_content_oauth_integrations",
                 f"Set the OAuth integrations of content {model.label(item)} to {', '.join(guids) or 'none'}")
    return 204, None


def list_templates(req):
    require(req, admin_only=False)
    return 200, list(TEMPLATES.values())


def get_template(req, key):
    require(req, admin_only=False)
    if key not in TEMPLATES:
        raise not_found("The OAuth template does not exist.")
    return 200, TEMPLATES[key]


# ---------------------------------------------------------------- sessions
def add_session(state, user_guid, integration_guid, has_refresh_token=True, created=None):
    """Store an OAuth session directly (a viewer's browser login; seeding and tests); no audit."""
    number = state.next_id("oauth_session")
    stamp = int(time.time()) if created is None else created
    session = {"id": str(number), "guid": model.make_guid(state.seed_name, "oauth_session", number),
               "user_guid": user_guid, "oauth_integration_guid": integration_guid,
               "has_refresh_token": has_refresh_token, "created_time": stamp, "updated_time": stamp}
    state.oauth_sessions[session["guid"]] = session
    return session


def _session_out(session):
    return dict(session, created_time=fmt_time(session["created_time"]), updated_time=fmt_time(session["updated_time"]))


def _own_session(req, guid):
    session = req.state.oauth_sessions.get(model.check_guid(guid))
    if session is None:
        raise not_found("The OAuth session does not exist.")
    if session["user_guid"] != req.user["guid"] and req.user["user_role"] != "administrator":
        raise forbidden()
    return session


def list_sessions(req):
    from .api import bool_param  # api imports this module for its ROUTES
    everyone = bool_param(req, "all", False)
    if everyone and req.user["user_role"] != "administrator":
        raise forbidden("Only administrators may list the OAuth sessions of all users.")
    sessions = sorted(req.state.oauth_sessions.values(), key=lambda s: int(s["id"]))
    return 200, [_session_out(s) for s in sessions if everyone or s["user_guid"] == req.user["guid"]]


def get_session(req, guid):
    return 200, _session_out(_own_session(req, guid))


def delete_session(req, guid):
    del req.state.oauth_sessions[_own_session(req, guid)["guid"]]
    return 204, None


ROUTES = [
    ("GET", r"/v1/oauth/integrations", list_integrations, {"since": SINCE}),
    ("POST", r"/v1/oauth/integrations", create_integration, {"since": SINCE}),
    ("GET", rf"/v1/oauth/integrations/{GUID}", get_integration, {"since": SINCE}),
    ("PATCH", rf"/v1/oauth/integrations/{GUID}", update_integration, {"since": SINCE}),
    ("DELETE", rf"/v1/oauth/integrations/{GUID}", delete_integration, {"since": SINCE}),
    ("POST", rf"/v1/oauth/integrations/{GUID}/verify", verify_integration, {"since": SINCE}),
    ("GET", rf"/v1/oauth/integrations/{GUID}/associations", integration_associations, {"since": SINCE}),
    ("GET", rf"/v1/content/{GUID}/oauth/integrations/associations", content_associations, {"since": SINCE}),
    ("PUT", rf"/v1/content/{GUID}/oauth/integrations/associations", set_content_associations, {"since": SINCE}),
    ("GET", r"/v1/oauth/sessions", list_sessions, {"since": SINCE}),
    ("GET", rf"/v1/oauth/sessions/{GUID}", get_session, {"since": SINCE}),
    ("DELETE", rf"/v1/oauth/sessions/{GUID}", delete_session, {"since": SINCE}),
    ("GET", r"/v1/oauth/templates", list_templates, {"since": SINCE}),
    ("GET", r"/v1/oauth/templates/(?P<key>[^/]+)", get_template, {"since": SINCE}),
]
