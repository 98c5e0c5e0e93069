"""Connect's API endpoints (everything under /__api__): routing, parameter
parsing, paging and response shapes.  Rules about who may do what live in
the model; this module turns HTTP requests into model calls."""

import json
import re
from urllib.parse import urlencode

from . import (bundles, environment, exec_environments, integrations, jobs, lockfile, packages, people, schedules, search,
               shapes, system, tags, vanities)
from .errors import APIError, bad_request, forbidden, not_found
from .model import (AUDIT_ACTIONS, GUID, INCLUDES, INSTALLED, ROLES, audit_out, check_guid, fmt_time, keyset_page,
                    parse_time)

SEARCH_SINCE = (2025, 1, 0)         # GET /v1/search/auditlogs exists from this version
VANITY_INCLUDE_SINCE = (2024, 6, 0)  # include=vanity_url on content from this version
GROUP_PREFIX_FIXED = (2025, 4, 0)   # before this, groups ?prefix= ignores page_number
HITS_SINCE = (2025, 4, 0)           # GET /v1/instrumentation/content/hits (posit-sdk's @requires)
HITS_GUIDS_SINCE = (2026, 1, 0)     # hits accept content_guid (one or several joined with "|"); ignored before
MAX_PAGE = 500


class Request:
    """What a handler sees of an HTTP request (never the API key once authenticated)."""

    def __init__(self, method, path, query_pairs, body, base_url, api_key, state, settings):
        self.method = method
        self.path = path                  # without the server prefix, e.g. /__api__/v1/content
        self.query_pairs = query_pairs    # [(name, value)] in request order
        self.query = {}
        for name, value in query_pairs:
            self.query.setdefault(name, value)
        self.body = body
        self.base_url = base_url          # scheme://host[:port][prefix] as the client addressed us
        self.api_key = api_key
        self.state = state
        self.settings = settings          # {"version": str or None, "version_tuple": tuple, "sparse": bool, ...}
        self.user = None

    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError as exc:
            raise bad_request("InvalidJson", f"The request body is not valid JSON: {exc}") from None

    def json_object(self, fields):
        """The body: a JSON object whose keys are among `fields` ({name: type or tuple of types}) with values of
        those types; 400 InvalidJson otherwise."""
        body = self.json()
        if not isinstance(body, dict):
            raise bad_request("InvalidJson", "The request body must be a JSON object.")
        for field, value in body.items():
            if field not in fields:
                raise bad_request("InvalidJson", f'json: unknown field "{field}"')
            if not isinstance(value, fields[field]):
                raise bad_request("InvalidJson", f"json: wrong type for field {field!r}")
        return body


# ------------------------------------------------------------ parameters
def int_param(req, name, default, low=None, high=None):
    raw = req.query.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request("InvalidParameter", f"{name} must be an integer, got {raw!r}.") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise bad_request("InvalidRange", f"{name} must be between {low} and {high}, got {value}.")
    return value


def bool_param(req, name, default):
    raw = req.query.get(name, "")
    if raw == "":
        return default
    if raw in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if raw in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    raise bad_request("InvalidParameter", f"{name} must be true or false, got {raw!r}.")


def cursor_param(req, name):
    raw = req.query.get(name, "")
    if raw == "":
        return None
    if not raw.isdigit():
        raise bad_request("InvalidParameter", f"{name} must be a cursor id from a previous page, got {raw!r}.")
    return int(raw)


def time_param(req, name):
    raw = req.query.get(name, "")
    return parse_time(raw, name) if raw else None


def include_param(req):
    raw = req.query.get("include", "")
    include = [part.strip() for part in raw.split(",") if part.strip()]
    for part in include:
        if part not in INCLUDES:
            raise bad_request("InvalidInclude", f"Invalid include value {part!r}; expected any of {', '.join(INCLUDES)}.")
        if part == "vanity_url" and req.settings["version_tuple"] < VANITY_INCLUDE_SINCE:
            raise bad_request("InvalidInclude", "Invalid include value 'vanity_url'.")
    return include


def list_param(req, name, allowed, error):
    raw = req.query.get(name, "")
    values = [v for v in re.split(r"[|,]", raw) if v]
    for value in values:
        if value not in allowed:
            raise bad_request(error, f"Invalid {name} {value!r}; expected any of {', '.join(allowed)}.")
    return values


def require_admin(req):
    if req.user["user_role"] != "administrator":
        raise forbidden()


def require_publisher(req):
    if req.user["user_role"] == "viewer":
        raise forbidden()


# ----------------------------------------------------------------- paging
def offset_page(items, page_number, page_size):
    start = (page_number - 1) * page_size
    return {"results": items[start:start + page_size], "current_page": page_number, "total": len(items)}


def keyset_response(req, items, out, keep=None, asc_name="asc_order"):
    """Keyset paging shared by the audit log and instrumentation endpoints."""
    limit = int_param(req, "limit", 20, 1, MAX_PAGE)
    asc = bool_param(req, asc_name, True)
    after, before = cursor_param(req, "next"), cursor_param(req, "previous")
    last = bool_param(req, "last", False)
    if after is not None and before is not None:
        raise bad_request("InvalidParameter", "Use either next or previous, not both.")
    page, more_before, more_after = keyset_page(items, limit, asc, after, before, last, keep)
    kept = [(k, v) for k, v in req.query_pairs if k not in ("next", "previous", "last")]
    base = f"{req.base_url}{req.path}"

    def link(*extra):
        query = urlencode(kept + list(extra))
        return f"{base}?{query}" if query else base

    first_id = str(page[0]["id"]) if page else None
    last_id = str(page[-1]["id"]) if page else None
    cursors = {"previous": first_id if more_before else None, "next": last_id if more_after else None}
    paging = {
        "cursors": cursors,
        "first": link() if more_before else None,
        "previous": link(("previous", cursors["previous"])) if cursors["previous"] else None,
        "next": link(("next", cursors["next"])) if cursors["next"] else None,
        "last": link(("last", "true")) if more_after else None,
    }
    return 200, {"paging": paging, "results": [out(e) for e in page]}


# --------------------------------------------------------------- settings
def server_settings(req):
    version = req.settings["version"]
    state = req.state
    licensed = sum(1 for u in state.users.values() if state.account_status(u) == "licensed")
    return 200, {
        "hostname": "connect-standin",
        "version": version or "",
        "build": f"v{version}" if version else "",
        "about": f"Posit Connect v{version}" if version else "Posit Connect",
        "authentication": {
            "name": "Password", "notice": "", "warning_delay": 0,
            "handles_credentials": True, "handles_login": True, "challenge_response_enabled": False,
            "unique_usernames": True, "name_editable_by_user": True, "email_editable_by_user": True,
            "username_editable_by_user": False, "role_editable_by_user": False,
            "external_user_data": False, "external_user_search": False, "external_user_id": False,
            "external_group_search": False, "external_group_members": False, "external_group_id": False,
            "external_group_owner": False, "groups_enabled": True,
        },
        "license": {
            "tier": "enterprise", "type": "local", "users": 100, "current-user-count": licensed,
            "user-activity-days": 365, "shiny-users": 0, "allow-apis": True, "has-key": True,
            "has-trial": False, "days-left": 200, "ms-left": 200 * 86400 * 1000,
            "expiration": (state.now + 200 * 86400) * 1000, "enable-launcher": True,
            "anonymous-servers": True, "unrestricted-servers": True, "custom-branding": True,
            "oauth-integrations": True,
        },
        "license_expiration_ui_warning": False,
        "deprecated_settings": False,
        "deprecated_settings_ui_warning": False,
        "viewer_kiosk": False,
        "mail_all": False,
        "mail_configured": True,
        "public_warning": "",
        "logout_warning": "",
        "metrics_rrd_enabled": True,
        "metrics_instrumentation": True,
        "customized_landing": False,
        "self_registration": False,
        "prohibited_usernames": ["apps", "connect", "content", "groups", "login", "settings", "users"],
        "username_validator": "default",
        "viewers_can_only_see_themselves": False,
        "http_warning": False,
        "queue_ui": True,
        "runtimes": ["R", "Python", "Quarto"],
        "git_enabled": True,
        "git_available": True,
        "dashboard_path": "/connect",
        "default_content_list_view": "compact",
        "maximum_app_image_size": 10000000,
        "server_settings_toggler": True,
        "vanity_urls_enabled": True,
        "execution_type": "native",
        "enable_runtime_constraints": False,
        "enable_image_management": False,
        "default_r_environment_management": True,
        "default_py_environment_management": True,
        "oauth_integrations_enabled": True,
    }


def public_settings(req):
    return 200, {"authentication": {"name": "Password", "notice": ""}, "customized_landing": False,
                 "mail_configured": True, "prohibited_usernames": ["apps", "connect", "content"],
                 "public_warning": "", "self_registration": False,
                 "system_display_name": "Posit Connect", "username_validator": "default"}


def installations(versions, **extra):
    def handler(req):
        require_publisher(req)
        found = [{"version": v, "cluster_name": "Local", "image_name": "Local"} for v in versions]
        return 200, dict(extra, installations=found)
    return handler


# ---------------------------------------------------------------- content
def list_content(req):
    include = include_param(req)
    name = req.query.get("name", "")
    owner = check_guid(req.query["owner_guid"]) if req.query.get("owner_guid") else None
    state = req.state
    items = [c for c in state.visible_content(req.user)
             if (not name or c["name"] == name) and (owner is None or c["owner_guid"] == owner)]
    groups = state.groups_of(req.user["guid"])  # once for the listing (every item's app_role reads them)
    return 200, [state.content_out(c, req.user, req.base_url, include, req.settings["version_tuple"], groups)
                 for c in items]


def get_content(req, guid):
    include = include_param(req)
    item = req.state.find_content(req.user, guid)
    return 200, req.state.content_out(item, req.user, req.base_url, include, req.settings["version_tuple"])


def create_content(req):
    body = req.json()  # an empty body is an empty CreateContentInput (no field is required)
    item = req.state.create_content(req.user, {} if body is None else body)
    return 200, req.state.content_out(item, req.user, req.base_url, version=req.settings["version_tuple"])


def update_content(req, guid):
    item = req.state.update_content(req.user, guid, req.json())
    return 200, req.state.content_out(item, req.user, req.base_url, version=req.settings["version_tuple"])


def delete_content(req, guid):
    req.state.delete_content(req.user, guid)
    return 204, None


def list_permissions(req, guid):
    item = req.state.find_content(req.user, guid)
    return 200, [dict(p) for p in req.state.permissions[item["guid"]]]


def create_permission(req, guid):
    item = req.state.find_content(req.user, guid)
    return 200, dict(req.state.create_permission(req.user, item, req.json()))


def get_permission(req, guid, perm_id):
    item = req.state.find_content(req.user, guid)
    return 200, dict(req.state.find_permission(item, perm_id))


def update_permission(req, guid, perm_id):
    item = req.state.find_content(req.user, guid)
    return 200, dict(req.state.update_permission(req.user, item, perm_id, req.json()))


def delete_permission(req, guid, perm_id):
    item = req.state.find_content(req.user, guid)
    req.state.delete_permission(req.user, item, perm_id)
    return 204, None


def content_tags(req, guid):
    item = req.state.find_content(req.user, guid)
    return 200, [req.state.tags[t] for t in req.state.content_tags.get(item["guid"], [])]


def list_tags(req):
    name, parent = req.query.get("name", ""), req.query.get("parent_id", "")
    return 200, [t for t in req.state.tags.values()
                 if (not name or t["name"] == name) and (not parent or t["parent_id"] == parent)]


# ------------------------------------------------------------ users, groups
USER_SORTS = ("first_name", "last_name", "username", "active_time", "created_time", "user_role")


def _user_sort_key(field):
    if field is None:
        return lambda u: (u["first_name"].lower(), u["last_name"].lower(), u["username"].lower(), u["email"].lower())
    return lambda u: (u[field] or "").lower() if isinstance(u[field], str) or u[field] is None else u[field]


def _sorted_users(state, sort, asc, page_number):
    """Every user in the listing's order. Sorting 50,000 users costs ~0.1 s of CPU, so the order is kept for the
    next pages of the same walk: until a user is added or changed (State.touch_users), and sorted afresh for each
    first page (a test that edits a user record directly does so between listings)."""
    key = (sort, asc)
    changed, users = state.user_orders.get(key, (None, None))
    if page_number == 1 or changed != state.users_changed:
        users = sorted(state.users.values(), key=_user_sort_key(sort), reverse=not asc)
        state.user_orders[key] = (state.users_changed, users)
    return users


def list_users(req):
    page_number = int_param(req, "page_number", 1, 1)
    page_size = int_param(req, "page_size", 20, 1, MAX_PAGE)
    asc = bool_param(req, "asc_order", True)
    sort = req.query.get("sort") or None
    if sort is not None and sort not in USER_SORTS:
        raise bad_request("InvalidParameter", f"Invalid sort {sort!r}; expected any of {', '.join(USER_SORTS)}.")
    roles = list_param(req, "user_role", ROLES, "InvalidAuthRole")
    statuses = list_param(req, "account_status", ("locked", "licensed", "inactive"), "InvalidUserStatus")
    prefix = req.query.get("prefix", "").lower()
    state = req.state
    users = [u for u in _sorted_users(state, sort, asc, page_number)
             if (not roles or u["user_role"] in roles)
             and (not statuses or state.account_status(u) in statuses)
             and (not prefix or any((u[f] or "").lower().startswith(prefix)
                                    for f in ("username", "first_name", "last_name", "email")))]
    if prefix and sort is None:  # relevance: an exact username match first
        users.sort(key=lambda u: u["username"].lower() != prefix)
    page = offset_page(users, page_number, page_size)
    if prefix and page_number > 1:  # Connect answers a prefix search with its first page only
        page["results"] = []
    return 200, page


def get_user(req, guid):
    user = req.state.users.get(check_guid(guid))
    if user is None:
        raise not_found()
    return 200, user


def current_user(req):
    return 200, req.user


def list_groups(req):
    page_number = int_param(req, "page_number", 1, 1)
    page_size = int_param(req, "page_size", 20, 1, MAX_PAGE)
    asc = bool_param(req, "asc_order", True)
    prefix = req.query.get("prefix", "").lower()
    groups = sorted((g for g in req.state.groups.values() if g["name"].lower().startswith(prefix)),
                    key=lambda g: g["name"].lower(), reverse=not asc)
    if prefix and req.settings["version_tuple"] < GROUP_PREFIX_FIXED:
        page_number = 1  # the pre-2025.04.0 bug: prefix searches ignore page_number
    page = offset_page(groups, page_number, page_size)
    page["results"] = [req.state.group_out(g, req.settings["version_tuple"]) for g in page["results"]]
    return 200, page


def get_group(req, guid):
    group = req.state.groups.get(check_guid(guid))
    if group is None:
        raise not_found()
    return 200, req.state.group_out(group, req.settings["version_tuple"])


def group_members(req, group_guid):
    group = req.state.groups.get(check_guid(group_guid))
    if group is None:
        raise not_found()
    page_number = int_param(req, "page_number", 1, 1)
    page_size = int_param(req, "page_size", 10, 1, MAX_PAGE)
    asc = bool_param(req, "asc_order", True)
    sort = req.query.get("sort") or "first_name"
    if sort not in ("first_name", "user_role", "active_time"):
        raise bad_request("InvalidParameter", f"Invalid sort {sort!r}; expected first_name, user_role or active_time.")
    members = [req.state.users[g] for g in req.state.members[group["guid"]]]
    members.sort(key=_user_sort_key(sort), reverse=not asc)
    return 200, offset_page(members, page_number, page_size)


# ------------------------------------------------------------------ audit
def audit_logs(req):
    require_admin(req)
    return keyset_response(req, req.state.audit_logs, audit_out, asc_name="ascOrder")


def search_audit_logs(req):
    require_admin(req)
    page_number = int_param(req, "page_number", 1, 1)
    page_size = int_param(req, "page_size", 20, 1, MAX_PAGE)
    order = req.query.get("order") or "desc"
    if order not in ("asc", "desc"):
        raise bad_request("InvalidParameter", f"order must be asc or desc, got {order!r}.")
    q = req.query.get("q", "")
    keep = search.parse(q)  # checks the query even when it keeps every entry
    # Without a query every entry matches: the page is a slice, not a filtered copy of the whole log per page.
    found = [e for e in req.state.audit_logs if keep(e)] if q.strip() else req.state.audit_logs
    start = (page_number - 1) * page_size
    if order == "desc":  # newest first: the page is counted from the end
        rows = found[max(0, len(found) - start - page_size):max(0, len(found) - start)][::-1]
    else:
        rows = found[start:start + page_size]
    return 200, {"total": len(found), "results": [audit_out(e) for e in rows]}


def audit_actions(req):
    require_admin(req)
    return 200, [{"action": a, "description": d} for a, d in sorted(AUDIT_ACTIONS.items())]


# -------------------------------------------------------- instrumentation
def _usage_filter(req, time_field, default_version, guids=None):
    """Filters shared by the instrumentation endpoints, plus a publisher's implicit filter.
    guids: a set of content guids to keep instead of the content_guid parameter (hits)."""
    require_publisher(req)
    state, user = req.state, req.user
    guid = req.query.get("content_guid", "") if guids is None else ""
    start, end = time_param(req, "from"), time_param(req, "to")
    min_version = int_param(req, "min_data_version", default_version)
    agent = req.query.get("user_agent", "").lower()
    allowed = None
    if user["user_role"] != "administrator":
        allowed = {c["guid"] for c in state.content.values() if state.content_role(user, c) in ("owner", "editor")}

    def keep(entry):
        stamp = entry[time_field] * 1_000_000_000
        return ((not guid or entry["content_guid"] == guid) and (not guids or entry["content_guid"] in guids)
                and (start is None or stamp >= start) and (end is None or stamp <= end)
                and entry.get("data_version", min_version) >= min_version
                and (not agent or agent in (entry.get("user_agent") or "").lower())
                and (allowed is None or entry["content_guid"] in allowed))
    return keep


def shiny_usage(req):
    keep = _usage_filter(req, "started", 1)
    return keyset_response(req, req.state.shiny_usage, _shiny_out, keep)


def _shiny_out(e):
    return {"content_guid": e["content_guid"], "user_guid": e["user_guid"], "started": fmt_time(e["started"]),
            "ended": fmt_time(e["ended"]) if e["ended"] is not None else None, "data_version": e["data_version"]}


def content_visits(req):
    keep = _usage_filter(req, "time", 3)
    return keyset_response(req, req.state.visits, lambda e: _visit_out(e, req.settings["version_tuple"]), keep)


def _visit_out(e, version):
    out = {"content_guid": e["content_guid"], "user_guid": e["user_guid"], "variant_key": e["variant_key"],
           "rendering_id": e["rendering_id"], "bundle_id": e["bundle_id"], "time": fmt_time(e["time"]),
           "data_version": e["data_version"], "path": e["path"], "user_agent": e["user_agent"]}
    return shapes.gate("visit", out, version)


def content_hits(req):
    """Hits are the visit records seen through the hits API's shape (no paging). content_guid: from
    2026.01.0, one guid or several joined with "|"; Connect ignored it before."""
    raw = req.query.get("content_guid", "") if req.settings["version_tuple"] >= HITS_GUIDS_SINCE else ""
    keep = _usage_filter(req, "time", 0, {check_guid(g) for g in raw.split("|") if g} if raw else set())
    return 200, [{"id": str(e["id"]), "content_guid": e["content_guid"], "user_guid": e["user_guid"],
                  "timestamp": fmt_time(e["time"]), "data": {"path": e["path"], "user_agent": e["user_agent"]}}
                 for e in req.state.visits if keep(e)]


# ----------------------------------------------------------------- routes
# Every route of the server, each area's ROUTES in turn: (method, path pattern after /__api__, handler, options), options
# {"auth": False} (no API key) and {"since": version} (absent below it). The first route whose pattern and method match
# answers, so people.ROUTES comes first: /v1/users/remote is not read as /v1/users/{guid}.
ROUTES = [
    *people.ROUTES,
    ("GET", r"/server_settings", server_settings, {"auth": False}),
    ("GET", r"/v1/server_settings/public", public_settings, {"auth": False}),
    ("GET", r"/v1/server_settings/r", installations(INSTALLED["r"]), {}),
    ("GET", r"/v1/server_settings/python", installations(INSTALLED["python"], api_enabled=True), {}),
    ("GET", r"/v1/server_settings/quarto", installations(INSTALLED["quarto"]), {}),
    ("GET", r"/v1/content", list_content, {}),
    ("POST", r"/v1/content", create_content, {}),
    ("GET", rf"/v1/content/{GUID}", get_content, {}),
    ("PATCH", rf"/v1/content/{GUID}", update_content, {}),
    ("DELETE", rf"/v1/content/{GUID}", delete_content, {}),
    ("GET", rf"/v1/content/{GUID}/permissions", list_permissions, {}),
    ("POST", rf"/v1/content/{GUID}/permissions", create_permission, {}),
    ("GET", rf"/v1/content/{GUID}/permissions/(?P<perm_id>[^/]+)", get_permission, {}),
    ("PUT", rf"/v1/content/{GUID}/permissions/(?P<perm_id>[^/]+)", update_permission, {}),
    ("DELETE", rf"/v1/content/{GUID}/permissions/(?P<perm_id>[^/]+)", delete_permission, {}),
    ("GET", rf"/v1/content/{GUID}/tags", content_tags, {}),
    ("GET", r"/v1/tags", list_tags, {}),
    ("GET", r"/v1/users", list_users, {}),
    ("GET", rf"/v1/users/{GUID}", get_user, {}),
    ("GET", r"/v1/user", current_user, {}),
    ("GET", r"/v1/groups", list_groups, {}),
    ("GET", rf"/v1/groups/{GUID}", get_group, {}),
    ("GET", r"/v1/groups/(?P<group_guid>[^/]+)/members", group_members, {}),
    ("GET", r"/v1/audit_logs", audit_logs, {}),
    ("GET", r"/v1/search/auditlogs", search_audit_logs, {"since": SEARCH_SINCE, "since_setting": "search_since"}),
    ("GET", r"/v1/audit/actions", audit_actions, {}),
    ("GET", r"/v1/instrumentation/shiny/usage", shiny_usage, {}),
    ("GET", r"/v1/instrumentation/content/visits", content_visits, {}),
    ("GET", r"/v1/instrumentation/content/hits", content_hits, {"since": HITS_SINCE}),
    *packages.ROUTES,
    *bundles.ROUTES,
    *integrations.ROUTES,
    *exec_environments.ROUTES,
    *jobs.ROUTES,
    *lockfile.ROUTES,
    *schedules.ROUTES,
    *system.ROUTES,
    *tags.ROUTES,
    *vanities.ROUTES,
    *environment.ROUTES,
]
_COMPILED = [(m, re.compile(rf"^/__api__{p}/?$"), h, o) for m, p, h, o in ROUTES]


def handle(req):
    """Answer one API request: (status, JSON body bytes or None)."""
    method = "GET" if req.method == "HEAD" else req.method
    version = req.settings["version_tuple"]
    try:
        methods = []
        for route_method, pattern, handler, options in _COMPILED:
            match = pattern.match(req.path)
            if not match or version < (req.settings.get(options.get("since_setting")) or options.get("since", ())):
                continue
            methods.append(route_method)
            if route_method == method:
                with req.state.lock:
                    if options.get("auth", True):
                        req.user = req.state.authenticate(req.api_key)
                    status, payload = handler(req, **match.groupdict())
                if req.settings.get("sparse") and method == "GET" and status == 200 and not isinstance(payload, bytes):
                    payload = shapes.sparse(pattern, payload, _COMPILED)
                break
        else:
            if methods:
                raise APIError(405, "BadRequest", f"{req.method} is not allowed here; use {', '.join(methods)}.")
            raise not_found("The requested endpoint does not exist.")
    except APIError as exc:
        status, payload = exc.status, exc.body()
    # Payloads are fresh dicts or records that are never mutated, so encoding
    # can happen outside the lock.
    if isinstance(payload, bytes):  # a download (bundles.Binary): sent as is
        return status, payload
    return status, None if payload is None else json.dumps(payload, separators=(",", ":")).encode()
