"""Users, groups, memberships, the remote directory and the active-user metrics: the write side of
the users and groups APIs (the reads are in api.py) and GET /v1/metrics/users/active.

Rules, as the OpenAPI reference states them: administrators create, edit and lock users (a user may
edit their own names and email and lock themselves); publishers and administrators create groups and
use the remote directory; a group's owner or an administrator renames it, deletes it and changes its
members (anyone may leave a group). The authentication provider decides the creation endpoints:
``state.auth_provider`` "password" (the default) takes POST /v1/users and POST /v1/groups, "ldap" takes
the remote search and PUT with a ``temp_ticket``, from the entries of ``state.directory``
({"users": [{username, first_name, last_name, email}], "groups": [{name, members: [usernames]}]}).
"""

import hashlib
import time

from .errors import APIError, bad_request, forbidden, not_found
from .model import GUID, NAME_RE, ROLES, check_guid, describe_user, fmt_time, parse_time

METRICS_SINCE = (2025, 8, 0)      # the stand-in's assumption: GET /v1/metrics/users/active exists from here
USER_CREATE_FIELDS = {"username": str, "first_name": str, "last_name": str, "email": str, "user_role": (str, type(None)),
                      "user_must_set_password": bool, "password": str, "external_id": str, "unique_id": str}
USER_UPDATE_FIELDS = {"email": str, "username": str, "first_name": str, "last_name": str, "user_role": str}
MIN_PASSWORD = 6


def conflict(name, message):
    return APIError(409, name, message)


def _provider(req, wanted, admin_only=False):
    """Who may call (administrators only, or publishers too: 403 otherwise), then the authentication provider: push
    providers (password) create from details, pull providers (ldap) from the directory."""
    if req.user["user_role"] == "viewer" or (admin_only and req.user["user_role"] != "administrator"):
        raise forbidden()
    if req.state.auth_provider != wanted:
        if wanted == "ldap":
            raise bad_request("PullOnPushAuth", "This authentication provider has no remote directory to search "
                                                "or create from; use POST to create.")
        raise bad_request("PushOnPullAuth", "This authentication provider creates users and groups from its "
                                            "directory; use the remote search and PUT with a temp_ticket.")


def _ticket(kind, name):
    return "ticket-%s-%s" % (kind, hashlib.sha256(f"{kind}:{name}".encode()).hexdigest()[:16])


def _check_username(state, username, current=None):
    if not isinstance(username, str) or not NAME_RE.match(username) or username in PROHIBITED:
        raise bad_request("InvalidUserName", f"Invalid username {username!r}: 1 to 64 letters, digits, '.', '-' or '_'.")
    other = state.user_by_username(username)
    if other is not None and other is not current:
        raise conflict("DuplicateUserName", f"A user with username {username!r} already exists.")


PROHIBITED = ("apps", "connect", "content", "groups", "login", "settings", "users")


# ------------------------------------------------------------------ users
def create_user(req):
    """POST /v1/users (password authentication): administrators only."""
    state = req.state
    _provider(req, "password", admin_only=True)
    body = req.json_object(USER_CREATE_FIELDS)
    _check_username(state, body.get("username"))
    role = body.get("user_role") or "viewer"
    if role not in ROLES:
        raise bad_request("InvalidAuthRole", f"Invalid user_role {role!r}; expected administrator, publisher or viewer.")
    must_set = body.get("user_must_set_password", False)
    password = body.get("password")
    if must_set and password:
        raise bad_request("InvalidParameter", "Give either password or user_must_set_password, not both.")
    if not must_set and len(password or "") < MIN_PASSWORD:
        raise bad_request("InadequatePassword", f"The password must have at least {MIN_PASSWORD} characters.")
    if not body.get("email"):
        raise bad_request("UserBlankEmail", "Password authentication requires an email address.")
    user = state.add_user(body["username"], role, body.get("first_name", ""), body.get("last_name", ""),
                          email=body["email"], created=int(time.time()), confirmed=not must_set)
    state.record(req.user, "add_user", f"Added user {describe_user(user)}")
    return 200, user


def search_remote_users(req):
    """GET /v1/users/remote (ldap): publishers and administrators."""
    _provider(req, "ldap")
    state, prefix = req.state, req.query.get("prefix", "").lower()
    limit = int(req.query.get("limit") or 20)
    found = [u for u in state.directory["users"]
             if any((u.get(f) or "").lower().startswith(prefix) for f in ("username", "first_name", "last_name", "email"))]
    results = []
    for entry in found[:limit]:
        existing = state.user_by_username(entry["username"])
        out = dict(existing) if existing else dict(
            email=entry.get("email", ""), username=entry["username"], first_name=entry.get("first_name", ""),
            last_name=entry.get("last_name", ""), user_role="viewer", created_time=fmt_time(state.now),
            updated_time=fmt_time(state.now), active_time=None, confirmed=True, locked=False, guid=None)
        out["temp_ticket"] = _ticket("user", entry["username"])
        results.append(out)
    return 200, {"results": results, "current_page": 1, "total": len(found)}


def _ticketed(req, kind, key):
    """The directory entry (a "user" or "group", named by its `key`) whose temp_ticket a PUT sends (ldap):
    publishers and administrators."""
    _provider(req, "ldap")
    ticket = req.json_object({"temp_ticket": str}).get("temp_ticket")
    entry = next((e for e in req.state.directory[kind + "s"] if _ticket(kind, e[key]) == ticket), None)
    if entry is None:
        raise bad_request("InvalidTempTicket", f"The temp_ticket is not valid; search the remote {kind}s again.")
    return entry


def create_remote_user(req):
    """PUT /v1/users with a temp_ticket (ldap): publishers and administrators."""
    state = req.state
    entry = _ticketed(req, "user", "username")
    _check_username(state, entry["username"])
    user = state.add_user(entry["username"], "viewer", entry.get("first_name", ""), entry.get("last_name", ""),
                          email=entry.get("email", ""), created=int(time.time()))
    state.record(req.user, "add_user", f"Added user {describe_user(user)}")
    return 200, user


def _by_guid(records, guid):
    """The user or group of this guid among `records` (state.users, state.groups): 400 malformed, 404 unknown."""
    found = records.get(check_guid(guid))
    if found is None:
        raise not_found()
    return found


def update_user(req, guid):
    """PUT /v1/users/{guid}: administrators, or a user changing their own names and email."""
    state, user = req.state, _by_guid(req.state.users, guid)
    admin = req.user["user_role"] == "administrator"
    if not admin and req.user is not user:
        raise forbidden()
    body = req.json_object(USER_UPDATE_FIELDS)
    if not admin and ("user_role" in body or "username" in body):
        raise forbidden("Only administrators may change a user's role or username.")
    if "user_role" in body and body["user_role"] not in ROLES:
        raise bad_request("InvalidAuthRole", f"Invalid user_role {body['user_role']!r}; "
                                             "expected administrator, publisher or viewer.")
    if "username" in body:
        _check_username(state, body["username"], current=user)
        del state.usernames[user["username"]]
        state.usernames[body["username"]] = user["guid"]
    if "email" in body and not body["email"]:
        raise bad_request("UserBlankEmail", "Password authentication requires an email address.")
    user.update(body, updated_time=fmt_time(int(time.time())))
    state.touch_users()
    state.record(req.user, "edit_user", f"Edited user {describe_user(user)}: {', '.join(sorted(body)) or 'no fields'}")
    return 200, dict((k, user[k]) for k in ("email", "username", "first_name", "last_name", "user_role", "updated_time"))


def lock_user(req, guid):
    """POST /v1/users/{guid}/lock: administrators (a user may lock themselves); answers 200 without a body."""
    state, user = req.state, _by_guid(req.state.users, guid)
    body = req.json_object({"locked": (bool, type(None))})
    locked = bool(body.get("locked"))
    if req.user["user_role"] != "administrator" and not (req.user is user and locked):
        raise forbidden()
    if user["locked"] != locked:
        user["locked"] = locked
        state.touch_users()
        state.record(req.user, "lock_user" if locked else "unlock_user",
                     f"{'Locked' if locked else 'Unlocked'} user {describe_user(user)}")
    return 200, None


# ----------------------------------------------------------------- groups
def _may_manage(req, group):
    if req.user["user_role"] != "administrator" and group["owner_guid"] != req.user["guid"]:
        raise forbidden("Administrator access is required to modify a group you do not own.")


def _check_group_name(state, name, current=None):
    if not isinstance(name, str) or not name.strip() or len(name) > 4096:
        raise bad_request("InvalidGroupName", "The group name must not be empty (at most 4096 characters).")
    if any(g["name"] == name and g is not current for g in state.groups.values()):
        raise conflict("DuplicateGroupName", f"A group named {name!r} already exists.")


def create_group(req):
    """POST /v1/groups (password): publishers and administrators; the caller owns the group."""
    _provider(req, "password")
    body = req.json_object({"name": str, "unique_id": str, "gid": (int, type(None))})
    _check_group_name(req.state, body.get("name"))
    group = req.state.add_group(body["name"], req.user["guid"])
    req.state.record(req.user, "add_group", f"Added group {group['name']}")
    return 200, req.state.group_out(group, req.settings["version_tuple"])


def search_remote_groups(req):
    """GET /v1/groups/remote (ldap): publishers and administrators."""
    _provider(req, "ldap")
    state, prefix = req.state, req.query.get("prefix", "").lower()
    limit = int(req.query.get("limit") or 20)
    found = [g for g in state.directory["groups"] if g["name"].lower().startswith(prefix)]
    results = []
    for entry in found[:limit]:
        existing = next((g for g in state.groups.values() if g["name"] == entry["name"]), None)
        results.append({"name": entry["name"], "guid": existing["guid"] if existing else None,
                        "temp_ticket": _ticket("group", entry["name"])})
    return 200, {"results": results, "current_page": 1, "total": len(found)}


def create_remote_group(req):
    """PUT /v1/groups with a temp_ticket (ldap); members come from the directory."""
    state = req.state
    entry = _ticketed(req, "group", "name")
    _check_group_name(state, entry["name"])
    members = [state.usernames[m] for m in entry.get("members", ()) if m in state.usernames]
    group = state.add_group(entry["name"], None, members)
    state.record(req.user, "add_group", f"Added group {group['name']}")
    return 200, state.group_out(group, req.settings["version_tuple"])


def patch_group(req, guid):
    """PATCH /v1/groups/{guid}: name and owner_guid, by the owner or an administrator."""
    state, group = req.state, _by_guid(req.state.groups, guid)
    _may_manage(req, group)
    body = req.json_object({"name": (str, type(None)), "owner_guid": (str, type(None)), "gid": (int, type(None))})
    if "gid" in body and req.user["user_role"] != "administrator":
        raise forbidden()
    if "name" in body:
        _check_group_name(state, body["name"], current=group)
    if body.get("owner_guid") is not None:
        owner = state.users.get(check_guid(body["owner_guid"]))
        if owner is None or owner["user_role"] == "viewer":
            raise bad_request("InvalidOwner", "The new owner must be an existing publisher or administrator.")
        body["owner_guid"] = owner["guid"]
    old = group["name"]
    group.update((k, v) for k, v in body.items() if k in ("name", "owner_guid"))
    state.record(req.user, "edit_group", f"Edited group {old}: {', '.join(sorted(body)) or 'no fields'}")
    return 200, state.group_out(group, req.settings["version_tuple"])


def delete_group(req, guid):
    state, group = req.state, _by_guid(req.state.groups, guid)
    _may_manage(req, group)
    state.delete_group(group["guid"])
    state.record(req.user, "remove_group", f"Removed group {group['name']}")
    return 204, None


def add_member(req, group_guid):
    """POST /v1/groups/{group_guid}/members: the group's owner or an administrator; 204."""
    state, group = req.state, _by_guid(req.state.groups, group_guid)
    _may_manage(req, group)
    guid = req.json_object({"user_guid": str}).get("user_guid")
    user = state.users.get(check_guid(guid or ""))
    if user is None:
        raise bad_request("InvalidUser", f"The user {guid!r} does not exist.")
    members = state.members[group["guid"]]
    if user["guid"] in members:
        raise conflict("DuplicateGroupEntry", f"User {user['username']!r} is already a member of {group['name']!r}.")
    state.add_member(group["guid"], user["guid"])
    state.record(req.user, "add_group_member", f"Added user {describe_user(user)} to group {group['name']}")
    return 204, None


def remove_member(req, group_guid, user_guid):
    """DELETE /v1/groups/{group_guid}/members/{user_guid}: the owner, an administrator, or the member; 204."""
    state, group = req.state, _by_guid(req.state.groups, group_guid)
    user = state.users.get(check_guid(user_guid))
    if user is not req.user:
        _may_manage(req, group)
    members = state.members[group["guid"]]
    if user is None or user["guid"] not in members:
        raise not_found("The user is not a member of this group.")
    state.remove_member(group["guid"], user["guid"])
    state.record(req.user, "remove_group_member", f"Removed user {describe_user(user)} from group {group['name']}")
    return 204, None


# ---------------------------------------------------------------- metrics
WINDOWS = (("1d", 1), ("7d", 7), ("30d", 30), ("365d", 365))


def active_users(req):
    """GET /v1/metrics/users/active: licensed (not locked) users active within each window, by role."""
    if req.user["user_role"] != "administrator":
        raise forbidden()
    now = time.time()
    windows = {}
    for label, days in WINDOWS:
        counts = dict(total=0, admin=0, publisher=0, viewer=0)
        for user in req.state.users.values():
            active = user["active_time"]
            if user["locked"] or not active or parse_time(active, "active_time") // 1_000_000_000 < now - days * 86400:
                continue
            counts["total"] += 1
            counts["admin" if user["user_role"] == "administrator" else user["user_role"]] += 1
        windows[label] = counts
    return 200, {"windows": windows}


ROUTES = [
    ("POST", r"/v1/users", create_user, {}),
    ("PUT", r"/v1/users", create_remote_user, {}),
    ("GET", r"/v1/users/remote", search_remote_users, {}),
    ("PUT", rf"/v1/users/{GUID}", update_user, {}),
    ("POST", rf"/v1/users/{GUID}/lock", lock_user, {}),
    ("POST", r"/v1/groups", create_group, {}),
    ("PUT", r"/v1/groups", create_remote_group, {}),
    ("GET", r"/v1/groups/remote", search_remote_groups, {}),
    ("PATCH", rf"/v1/groups/{GUID}", patch_group, {}),
    ("DELETE", rf"/v1/groups/{GUID}", delete_group, {}),
    ("POST", r"/v1/groups/(?P<group_guid>[^/]+)/members", add_member, {}),
    ("DELETE", r"/v1/groups/(?P<group_guid>[^/]+)/members/(?P<user_guid>[^/]+)", remove_member, {}),
    ("GET", r"/v1/metrics/users/active", active_users, {"since": METRICS_SINCE}),
]
