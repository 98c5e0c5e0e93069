"""In-memory model of a Connect server and Connect's rules for changing it.

Everything is kept in plain dicts and lists on a ``State``; handlers hold
``state.lock`` while they read or write.  Times are stored as integer Unix
seconds and formatted as RFC3339 (UTC) on output.  GUIDs and API keys are
derived from hashes, so a given seed always builds the same server.
"""

import bisect
import datetime
import hashlib
import operator
import re
import threading
import time
import uuid

from . import shapes
from .errors import APIError, bad_request, forbidden, not_found

GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
GUID = r"(?P<guid>[^/]+)"  # the {guid} segment of a route's path pattern (api.ROUTES)
NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
ROLES = ("viewer", "publisher", "administrator")
ACCESS_TYPES = ("all", "logged_in", "acl")
LICENSE_WINDOW = 365 * 86400  # users active within this window hold a licence seat

# Audit actions this server records, each with the description GET /v1/audit/actions gives; record() accepts
# no other name, so that list is exactly what the stand-in writes. Confirmed Connect names
# (tests/fixtures/connect-api/audit-actions.md) are in CONFIRMED_AUDIT_ACTIONS; every other name is NOT
# confirmed: modelled on the confirmed convention (a content item is an "application", as in add_application and
# deploy_application; `edit_` as in edit_user; `remove_` as in remove_group). Code must not depend on them: a
# real server's names come from GET /v1/audit/actions.
AUDIT_ACTIONS = {
    "add_user": "Add a user.",
    "edit_user": "Edit a user's details.",
    "lock_user": "Lock a user account.",
    "unlock_user": "Unlock a user account.",
    "user_login": "A user logged in.",
    "add_api_key": "Create an API key.",
    "add_group": "Create a group.",
    "edit_group": "Edit a group's name or owner.",
    "remove_group": "Remove a group.",
    "add_group_member": "Add a member to a group.",
    "remove_group_member": "Remove a member from a group.",
    "add_application": "Create a content item.",
    "deploy_application": "Deploy a bundle to a content item.",
    "edit_application": "Edit the settings or the owner of a content item.",
    "remove_application": "Remove a content item.",
    "add_application_permission": "Add a user or group to the access list of a content item.",
    "edit_application_permission": "Change the role of a user or group on a content item.",
    "remove_application_permission": "Remove a user or group from the access list of a content item.",
    "add_tag": "Create a tag.",
    "add_vanity_url": "Set the vanity URL of a content item.",
}
CONFIRMED_AUDIT_ACTIONS = frozenset(("add_user", "edit_user", "add_group", "remove_group", "add_application",
                                     "deploy_application"))

# Stored content fields and the value a new item gets (Content schema order).
CONTENT_DEFAULTS = {
    "title": None,
    "description": "",
    "access_type": "acl",
    "locked": False,
    "locked_message": "",
    "connection_timeout": None,
    "read_timeout": None,
    "init_timeout": None,
    "idle_timeout": None,
    "max_processes": None,
    "min_processes": None,
    "max_conns_per_process": None,
    "load_factor": None,
    "memory_request": None,
    "memory_limit": None,
    "cpu_request": None,
    "cpu_limit": None,
    "amd_gpu_limit": None,
    "nvidia_gpu_limit": None,
    "service_account_name": None,
    "default_image_name": None,
    "default_environment_guid": None,
    "bundle_id": None,
    "app_mode": "unknown",
    "content_category": "",
    "parameterized": False,
    "environment_guid": None,
    "cluster_name": None,
    "image_name": None,
    "r_version": None,
    "py_version": None,
    "quarto_version": None,
    "node_version": None,
    "r_environment_management": None,
    "default_r_environment_management": None,
    "py_environment_management": None,
    "default_py_environment_management": None,
    "run_as": None,
    "run_as_current_user": False,
    "metrics_collection_enabled": None,
    "notify_on_share": None,
    "otel_enabled": False,
}

# Writable fields of CreateContentInput / UpdateContentInput: JSON type, nullable.
# A null for a field whose Content value is not nullable restores the default.
_INT, _NUM, _STR, _BOOL, _GUID = "integer", "number", "string", "boolean", "uuid"
CREATE_FIELDS = {
    "name": (_STR, False),
    "title": (_STR, True),
    "description": (_STR, False),
    "access_type": (_STR, False),
    "connection_timeout": (_INT, True),
    "read_timeout": (_INT, True),
    "init_timeout": (_INT, True),
    "idle_timeout": (_INT, True),
    "max_processes": (_INT, True),
    "min_processes": (_INT, True),
    "max_conns_per_process": (_INT, True),
    "load_factor": (_NUM, True),
    "default_r_environment_management": (_BOOL, True),
    "default_py_environment_management": (_BOOL, True),
    "run_as": (_STR, True),
    "run_as_current_user": (_BOOL, True),
    "memory_request": (_INT, True),
    "memory_limit": (_INT, True),
    "cpu_request": (_NUM, True),
    "cpu_limit": (_NUM, True),
    "amd_gpu_limit": (_INT, True),
    "nvidia_gpu_limit": (_INT, True),
    "service_account_name": (_STR, True),
    "default_image_name": (_STR, True),
    "default_environment_guid": (_GUID, True),
    "metrics_collection_enabled": (_BOOL, True),
    "notify_on_share": (_BOOL, True),
    "otel_enabled": (_BOOL, True),
}
UPDATE_FIELDS = dict(
    CREATE_FIELDS,
    owner_guid=(_GUID, True),
    locked=(_BOOL, True),
    locked_message=(_STR, True),
    content_category=(_STR, True),
)
# Content fields a client may read but not write.
READ_ONLY_FIELDS = {
    "guid", "id", "created_time", "last_deployed_time", "bundle_id", "app_mode",
    "parameterized", "environment_guid", "cluster_name", "image_name", "r_version",
    "py_version", "quarto_version", "node_version", "r_environment_management",
    "py_environment_management", "content_url", "dashboard_url", "vanity_url",
    "app_role", "bookmarked", "schedules", "tags", "owner", "public_content_status",
}
INCLUDES = ("tags", "owner", "vanity_url", "bookmarked", "schedule")
# Runtime versions installed on the server (GET /v1/server_settings/{r,python,quarto}); deploys pick from them.
INSTALLED = {"r": ("4.2.3", "4.3.2", "4.4.1"), "python": ("3.10.13", "3.11.7", "3.12.4"), "quarto": ("1.4.550", "1.5.57")}


def fmt_time(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$"
)


def parse_time(text, what):
    """RFC3339 timestamp -> integer Unix nanoseconds (400 InvalidTimeFormat if not)."""
    match = _RFC3339.match(text)
    error = bad_request("InvalidTimeFormat", f"{what} must be an RFC3339 timestamp such as 2023-01-01T12:34:56Z, got {text!r}.")
    if not match:
        raise error
    year, month, day, hour, minute, second, frac, zone = match.groups()
    try:
        moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                                   tzinfo=datetime.timezone.utc)
    except ValueError:
        raise error from None
    offset = 0
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        offset = sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    seconds = int(moment.timestamp()) - offset
    return seconds * 1_000_000_000 + int((frac or "0").ljust(9, "0"))


def make_guid(*parts):
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def make_key(username):
    """API keys depend only on the username, so they survive a reset."""
    return f"key-{username}-" + hashlib.sha256(f"connect-standin:{username}".encode()).hexdigest()[:24]


def check_guid(value):
    if not isinstance(value, str) or not GUID_RE.match(value):
        raise bad_request("InvalidId", f"The identifier {value!r} is not a valid GUID.")
    return value.lower()


def describe_user(user):
    if user is None:
        return "System"
    full = f"{user['first_name']} {user['last_name']}".strip()
    return f"{full} ({user['username']})" if full else user["username"]


class State:
    """The whole server: see the attribute comments for the shapes."""

    def __init__(self, seed_name, now):
        self.lock = threading.RLock()
        self.seed_name = seed_name
        self.now = now                  # reference time used by the seed
        self.users = {}                 # guid -> public User dict
        self.usernames = {}             # username -> guid
        self.users_changed = 0          # counts writes to users (add_user, touch_users): ends user_orders' entries
        self.user_orders = {}           # (sort, asc) -> (users_changed, [user]): GET /v1/users's order for its pages
        self.user_ids = {}              # guid -> integer user id (audit user_id)
        self.keys = {}                  # API key -> user guid
        self.groups = {}                # guid -> {"guid", "name", "owner_guid"}
        self.members = {}               # group guid -> [user guid]; change it through add_group, add_member,
        self.memberships = {}           # remove_member, delete_group, which keep this index: user guid -> {group guid}
        self.content = {}               # guid -> stored content record (see add_content)
        self.names = {}                 # (owner guid, content name) -> content guid
        self.permissions = {}           # content guid -> [Permission dict]
        self.tags = {}                  # tag id (str) -> Tag dict
        self.content_tags = {}          # content guid -> [tag id]
        self.vanity_urls = {}           # content guid -> path
        self.environments = {}          # content guid -> {variable name: value}
        self.audit_logs = []            # entries, ascending "id" (int) and "time" (int)
        self.shiny_usage = []           # ascending "id"; "started"/"ended" ints
        self.visits = []                # ascending "id"; "time" int
        self.packages = {}              # content guid -> [Package dict] (packages.py)
        self.auth_provider = "password"  # or "ldap": users and groups come from `directory` (people.py)
        self.directory = {"users": [], "groups": []}  # the remote provider's entries (people.py)
        self.bundles, self.tasks, self.repositories = {}, {}, {}  # see bundles.py
        self._counters = {"user": 0, "content": 0, "permission": 0, "audit": 0,
                          "tag": 0, "usage": 0, "visit": 0, "bundle": 1000}
        self.integrations = {}          # OAuth integration guid -> record (integrations.py)
        self.oauth_associations = {}    # content guid -> [{"integration_guid", "created_time"}] (integrations.py)
        self.oauth_sessions = {}        # OAuth session guid -> record (integrations.py)
        self.exec_environments = {}     # execution environment guid -> record (exec_environments.py)
        self._counters.update(oauth_integration=0, oauth_session=0, exec_environment=0, exec_environment_permission=0)
        # jobs.py, lockfile.py, schedules.py, system.py
        self.jobs = {}                  # content guid -> [job records], oldest first (jobs.py)
        self.variants = {}              # content guid -> the default variant of a rendered item (jobs.py)
        self.schedules = {}             # content guid -> {"current": [ContentSchedule], "history": [...]} (schedules.py)
        self.runtime_caches = []        # [{"language", "version", "image_name"}] (system.py)
        self.cache_delete_error = None  # a message: runtime cache delete tasks fail with it (system.py)
        self.system_checks = []         # system check runs, oldest first (system.py)
        self._counters.update(job=0, task=0, rendering=100000, check=0)

    def next_id(self, kind):
        self._counters[kind] += 1
        return self._counters[kind]

    # ----------------------------------------------------------------- users
    def touch_users(self):
        """Note a change to a user (the order of GET /v1/users is sorted again)."""
        self.users_changed += 1

    def add_user(self, username, role="publisher", first_name="", last_name="", email=None,
                 locked=False, created=None, active=None, confirmed=True):
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        if self.user_by_username(username) is not None:
            raise ValueError(f"duplicate username {username!r}")
        created = self.now - 400 * 86400 if created is None else created
        user = {
            "email": email if email is not None else f"{username}@connect.example",
            "username": username,
            "first_name": first_name,
            "last_name": last_name,
            "user_role": role,
            "created_time": fmt_time(created),
            "updated_time": fmt_time(max(created, active or created)),
            "active_time": fmt_time(active) if active is not None else None,
            "confirmed": confirmed,
            "locked": locked,
            "guid": make_guid(self.seed_name, "user", username),
        }
        self.users[user["guid"]] = user
        self.usernames[username] = user["guid"]
        self.touch_users()
        self.user_ids[user["guid"]] = self.next_id("user")
        self.keys[make_key(username)] = user["guid"]
        return user

    def user_by_username(self, username):
        guid = self.usernames.get(username)
        return self.users[guid] if guid else None

    def authenticate(self, key):
        guid = self.keys.get(key) if key else None
        if guid is None:
            raise APIError(401, "AuthRequired", "The requested operation requires authentication.")
        user = self.users[guid]
        if user["locked"]:
            raise APIError(401, "UserLocked", "This user account is locked.")
        return user

    def account_status(self, user):
        if user["locked"]:
            return "locked"
        active = user["active_time"]
        if active and parse_time(active, "active_time") // 1_000_000_000 >= time.time() - LICENSE_WINDOW:
            return "licensed"
        return "inactive"

    # ---------------------------------------------------------------- groups
    def add_group(self, name, owner_guid, member_guids=()):
        group = {"guid": make_guid(self.seed_name, "group", name), "name": name, "owner_guid": owner_guid}
        self.groups[group["guid"]] = group
        self.members[group["guid"]] = []
        for user_guid in member_guids:
            self.add_member(group["guid"], user_guid)
        return group

    def add_member(self, group_guid, user_guid):
        self.members[group_guid].append(user_guid)
        self.memberships.setdefault(user_guid, set()).add(group_guid)

    def remove_member(self, group_guid, user_guid):
        self.members[group_guid].remove(user_guid)
        if user_guid not in self.members[group_guid]:
            self.memberships[user_guid].discard(group_guid)

    def delete_group(self, group_guid):
        """Forget a group, its members and its ACL entries (no rules, no audit)."""
        del self.groups[group_guid]
        for user_guid in self.members.pop(group_guid):
            self.memberships[user_guid].discard(group_guid)
        for perms in self.permissions.values():
            perms[:] = [p for p in perms if p["principal_guid"] != group_guid]

    def group_out(self, group, version=None):
        """A group as a server of this version (a tuple; None: the newest) answers it."""
        return shapes.gate("group", dict(group, member_count=len(self.members[group["guid"]])), version)

    def groups_of(self, user_guid):
        """The guids of the user's groups (a new set): read from the index, not from every group's members."""
        return set(self.memberships.get(user_guid, ()))

    # ------------------------------------------------------------------ tags
    def add_tag(self, name, parent_id=None, created=None):
        tag_id = str(self.next_id("tag"))
        stamp = fmt_time(created if created is not None else self.now)
        self.tags[tag_id] = {"id": tag_id, "name": name, "parent_id": parent_id,
                             "created_time": stamp, "updated_time": stamp}
        return self.tags[tag_id]

    # --------------------------------------------------------------- content
    def add_content(self, name, owner_guid, created=None, deployed=None, **fields):
        """Store a content item directly (seeding and tests); no rules, no audit."""
        unknown = set(fields) - set(CONTENT_DEFAULTS)
        if unknown:
            raise ValueError(f"unknown content fields {sorted(unknown)}")
        if (owner_guid, name) in self.names:
            raise ValueError(f"the owner already has a content item named {name!r}")
        number = self.next_id("content")
        created = self.now if created is None else created
        record = {"guid": make_guid(self.seed_name, "content", number), "name": name}
        record.update(CONTENT_DEFAULTS)
        record.update(fields)
        record.update(owner_guid=owner_guid, id=str(number), created_time=created,
                      last_deployed_time=created if deployed is None else deployed)
        self.content[record["guid"]] = record
        self.names[(owner_guid, name)] = record["guid"]
        self.permissions[record["guid"]] = []
        return record

    def content_role(self, user, item, groups=None):
        """'owner', 'editor' (collaborator), 'viewer' or None for this user; `groups`, the user's groups
        (groups_of) when the caller asks about many items, is read only when a group is on the item's list."""
        if item["owner_guid"] == user["guid"]:
            return "owner"
        best = None
        for perm in self.permissions[item["guid"]]:
            if perm["principal_type"] == "user":
                hit = perm["principal_guid"] == user["guid"]
            else:
                if groups is None:
                    groups = self.groups_of(user["guid"])
                hit = perm["principal_guid"] in groups
            if hit:
                if perm["role"] == "owner":
                    return "editor"
                best = "viewer"
        if best is None and item["access_type"] in ("all", "logged_in"):
            best = "viewer"
        return best

    def can_view(self, user, item):
        return user["user_role"] == "administrator" or self.content_role(user, item) is not None

    def can_edit(self, user, item):
        if user["user_role"] == "viewer":
            return False
        return user["user_role"] == "administrator" or self.content_role(user, item) in ("owner", "editor")

    def visible_content(self, user):
        if user["user_role"] == "administrator":
            return list(self.content.values())
        groups = self.groups_of(user["guid"])  # once, not per item: a server may have thousands of groups
        return [c for c in self.content.values() if self.content_role(user, c, groups) is not None]

    def find_content(self, user, guid):
        """The item a user asked for: 400 malformed, 404 unknown, 403 not visible."""
        item = self.content.get(check_guid(guid))
        if item is None:
            raise not_found()
        if not self.can_view(user, item):
            raise forbidden()
        return item

    def find_editable(self, user, guid):
        """The item a user asked to change: as find_content, and 403 unless they may edit it."""
        item = self.find_content(user, guid)
        if not self.can_edit(user, item):
            raise forbidden()
        return item

    def content_out(self, item, user, base_url, include=(), version=None, groups=None):
        """A content item as a server of this version (a tuple; None: the newest) answers it; `include` as
        its query says; `groups` as content_role takes it."""
        out = {"guid": item["guid"], "name": item["name"]}
        for field in CONTENT_DEFAULTS:
            if field == "bundle_id":
                out["created_time"] = fmt_time(item["created_time"])
                out["last_deployed_time"] = fmt_time(item["last_deployed_time"])
            out[field] = item[field]
        out["owner_guid"] = item["owner_guid"]
        out["content_url"] = f"{base_url}/content/{item['guid']}/"
        out["dashboard_url"] = f"{base_url}/connect/#/apps/{item['guid']}"
        if "vanity_url" in include and item["guid"] in self.vanity_urls:
            out["vanity_url"] = base_url + self.vanity_urls[item["guid"]]
        out["app_role"] = self.content_role(user, item, groups) or "none"
        if "bookmarked" in include:
            out["bookmarked"] = False
        if "schedule" in include:
            out["schedules"] = [dict(s) for s in self.schedules.get(item["guid"], {}).get("current", [])]
        out["id"] = item["id"]
        if "tags" in include and self.content_tags.get(item["guid"]):  # no tags: Connect leaves the key out
            out["tags"] = [self.tags[t] for t in self.content_tags[item["guid"]]]
        if "owner" in include:
            owner = self.users.get(item["owner_guid"])
            out["owner"] = {"guid": item["owner_guid"],
                            "username": owner["username"] if owner else None,
                            "first_name": owner["first_name"] if owner else None,
                            "last_name": owner["last_name"] if owner else None}
        return shapes.gate("content", out, version)

    def _check_body(self, body, allowed):
        if not isinstance(body, dict):
            raise bad_request("InvalidJson", "The request body must be a JSON object.")
        for field, value in body.items():
            if field not in allowed:
                if field in READ_ONLY_FIELDS or field in UPDATE_FIELDS:
                    raise bad_request("ImmutableFields", f"The field {field!r} cannot be set by this request.")
                raise bad_request("InvalidJson", f'json: unknown field "{field}"')
            kind, nullable = allowed[field]
            if value is None:
                if not nullable:
                    raise bad_request("InvalidJson", f"json: the field {field!r} cannot be null")
                continue
            if kind == _INT:
                ok = isinstance(value, int) and not isinstance(value, bool)
            elif kind == _NUM:
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            elif kind == _BOOL:
                ok = isinstance(value, bool)
            else:
                ok = isinstance(value, str)
            if not ok:
                raise bad_request("InvalidJson", f"json: cannot unmarshal {type(value).__name__} into field {field!r} of type {kind}")
            if kind == _GUID:
                check_guid(value)

    def _apply_fields(self, record, body, owner_guid):
        """Validate writable values, then apply them to a copy of record."""
        new = dict(record)
        for field, value in body.items():
            if field == "owner_guid":
                continue
            new[field] = CONTENT_DEFAULTS.get(field) if value is None else value
        if not isinstance(new["name"], str) or not NAME_RE.match(new["name"]):
            raise bad_request("InvalidApplicationName",
                              "The content name must be 1 to 64 characters: letters, digits, '.', '-' or '_'.")
        if new["title"] is not None and not 3 <= len(new["title"]) <= 1024:
            raise bad_request("InvalidApplicationTitle", "The content title must be between 3 and 1024 characters.")
        if new["access_type"] not in ACCESS_TYPES:
            raise bad_request("UnknownAccessType", f"Unknown access type {new['access_type']!r}; expected all, logged_in or acl.")
        if new["content_category"] not in ("", "mcp") and "content_category" in body:
            raise bad_request("InvalidParameter", "content_category must be \"\" or \"mcp\".")
        for field in ("connection_timeout", "read_timeout", "init_timeout", "idle_timeout"):
            if new[field] is not None and new[field] < 0:
                raise bad_request("InvalidTimeout", f"{field} must not be negative.")
        if new["min_processes"] is not None and new["min_processes"] < 0:
            raise bad_request("InvalidMinProcesses", "min_processes must not be negative.")
        if new["max_processes"] is not None and new["max_processes"] < 1:
            raise bad_request("InvalidMaxProcesses", "max_processes must be at least 1.")
        if (new["min_processes"] is not None and new["max_processes"] is not None
                and new["min_processes"] > new["max_processes"]):
            raise bad_request("MinProcessesOverMaxProcesses", "min_processes must not exceed max_processes.")
        if new["load_factor"] is not None and not 0 <= new["load_factor"] <= 1:
            raise bad_request("InvalidLoadFactor", "load_factor must be between 0.0 and 1.0.")
        if self.names.get((owner_guid, new["name"]), record["guid"]) != record["guid"]:
            raise bad_request("DuplicateName", f"A content item named {new['name']!r} already exists for this owner.")
        return new

    def create_content(self, user, body):
        if user["user_role"] == "viewer":
            raise forbidden()
        self._check_body(body, CREATE_FIELDS)
        if "name" not in body:  # CreateContentInput requires no field: the item is named after its guid
            body = dict(body, name=make_guid(self.seed_name, "content", self._counters["content"] + 1))
        template = dict(CONTENT_DEFAULTS, name=None, guid=None)
        fields = self._apply_fields(template, body, user["guid"])
        now = int(time.time())
        item = self.add_content(fields.pop("name"), user["guid"], created=now,
                                **{k: v for k, v in fields.items() if k in CONTENT_DEFAULTS})
        self.record(user, "add_application", f"Added content {label(item)}")
        return item

    def update_content(self, user, guid, body):
        item = self.find_editable(user, guid)
        self._check_body(body, UPDATE_FIELDS)
        owner_guid = item["owner_guid"]
        new_owner = body.get("owner_guid")
        if new_owner is not None and new_owner.lower() != owner_guid:
            if user["user_role"] != "administrator":
                raise forbidden("Only administrators may change the owner of a content item.")
            candidate = self.users.get(new_owner.lower())
            if candidate is None or candidate["user_role"] not in ("publisher", "administrator"):
                raise bad_request("InvalidOwner", "The new owner must be an existing publisher or administrator.")
            owner_guid = candidate["guid"]
        new = self._apply_fields(item, body, owner_guid)
        new["owner_guid"] = owner_guid
        owner_changed = owner_guid != item["owner_guid"]
        fields = [f for f in body if not (f == "owner_guid" and owner_changed)]
        if owner_changed:
            old = describe_user(self.users.get(item["owner_guid"]))
            self.record(user, "edit_application",
                        f"Changed owner of content {label(item)} from {old} to {describe_user(self.users[owner_guid])}")
        if fields or not owner_changed:
            self.record(user, "edit_application",
                        f"Updated content {label(new)}: {', '.join(fields) if fields else 'no fields'}")
        del self.names[(item["owner_guid"], item["name"])]
        self.names[(new["owner_guid"], new["name"])] = item["guid"]
        item.update(new)
        return item

    def delete_content(self, user, guid):
        item = self.find_editable(user, guid)
        del self.content[item["guid"]]
        del self.names[(item["owner_guid"], item["name"])]
        del self.permissions[item["guid"]]
        self.content_tags.pop(item["guid"], None)
        self.vanity_urls.pop(item["guid"], None)
        self.environments.pop(item["guid"], None)
        self.record(user, "remove_application", f"Deleted content {label(item)}")

    # ----------------------------------------------------------- permissions
    def add_permission(self, item, principal_guid, principal_type, role):
        """Store an ACL entry directly (seeding and tests); no rules, no audit."""
        perm = {"id": str(self.next_id("permission")), "content_guid": item["guid"],
                "principal_guid": principal_guid, "principal_type": principal_type, "role": role}
        self.permissions[item["guid"]].append(perm)
        return perm

    def find_permission(self, item, perm_id):
        if not str(perm_id).isdigit():
            raise bad_request("InvalidId", f"The permission id {perm_id!r} is not valid.")
        for perm in self.permissions[item["guid"]]:
            if perm["id"] == str(int(perm_id)):
                return perm
        raise not_found()

    def _principal(self, principal_type, principal_guid, role):
        """Check a principal and a role; return a description for the audit log."""
        if principal_type not in ("user", "group"):
            raise bad_request("InvalidPrincipalType", "principal_type must be user or group.")
        if role not in ("viewer", "owner"):
            raise bad_request("InvalidParameter", "role must be viewer or owner.")
        guid = check_guid(principal_guid)
        if principal_type == "user":
            principal = self.users.get(guid)
            if principal is None:
                raise bad_request("InvalidUser", "The user does not exist.")
            if role == "owner" and principal["user_role"] == "viewer":
                raise bad_request("InvalidCollaborator", "A viewer cannot be a collaborator.")
            return f"user {describe_user(principal)}"
        group = self.groups.get(guid)
        if group is None:
            raise bad_request("InvalidGroup", "The group does not exist.")
        return f"group {group['name']}"

    def create_permission(self, user, item, body):
        if not self.can_edit(user, item):
            raise forbidden()
        body = self._permission_body(body, required=True)
        guid = check_guid(body["principal_guid"])
        who = self._principal(body["principal_type"], guid, body["role"])
        if body["principal_type"] == "user" and guid == item["owner_guid"]:
            raise bad_request("InvalidCollaboratorOwner", "The owner of a content item cannot be added to its access list.")
        for perm in self.permissions[item["guid"]]:
            if perm["principal_guid"] == guid and perm["principal_type"] == body["principal_type"]:
                name = "DuplicateUserPermission" if body["principal_type"] == "user" else "DuplicateGroupPermission"
                raise bad_request(name, f"The {body['principal_type']} already has a permission on this content (id {perm['id']}).")
        perm = self.add_permission(item, guid, body["principal_type"], body["role"])
        self.record(user, "add_application_permission", f"Added {who} as {body['role']} of content {label(item)}")
        return perm

    def update_permission(self, user, item, perm_id, body):
        perm = self.find_permission(item, perm_id)
        if not self.can_edit(user, item):
            raise forbidden()
        body = self._permission_body(body, required=False)
        for field in ("principal_guid", "principal_type"):
            if field in body and str(body[field]).lower() != perm[field]:
                raise bad_request("InvalidParameter", f"{field} of a permission cannot be changed; delete it and add a new one.")
        role = body.get("role", perm["role"])
        who = self._principal(perm["principal_type"], perm["principal_guid"], role)
        perm["role"] = role
        self.record(user, "edit_application_permission", f"Set {who} to {role} on content {label(item)}")
        return perm

    def delete_permission(self, user, item, perm_id):
        perm = self.find_permission(item, perm_id)
        if not self.can_edit(user, item):
            raise forbidden()
        self.permissions[item["guid"]].remove(perm)
        if perm["principal_type"] == "user":
            who = f"user {describe_user(self.users.get(perm['principal_guid']))}"
        else:
            who = f"group {self.groups[perm['principal_guid']]['name']}"
        self.record(user, "remove_application_permission", f"Removed {who} from content {label(item)}")

    @staticmethod
    def _permission_body(body, required):
        if not isinstance(body, dict):
            raise bad_request("InvalidJson", "The request body must be a JSON object.")
        for field, value in body.items():
            if field not in ("principal_guid", "principal_type", "role", "send_email"):
                raise bad_request("InvalidJson", f'json: unknown field "{field}"')
            expected = bool if field == "send_email" else str
            if not isinstance(value, expected):
                raise bad_request("InvalidJson", f"json: wrong type for field {field!r}")
        if required:
            for field in ("principal_guid", "principal_type", "role"):
                if field not in body:
                    raise bad_request("InvalidParameter", f"{field} is required.")
        return body

    # ----------------------------------------------------------------- audit
    def record(self, user, action, description, when=None):
        """Append an audit entry for user (None = the system actor, user_id 0); action is one of AUDIT_ACTIONS."""
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"the stand-in records no audit action {action!r}; add it to AUDIT_ACTIONS first")
        entry = {
            "id": self.next_id("audit"),
            "time": int(time.time()) if when is None else when,
            "user_id": self.user_ids[user["guid"]] if user else 0,
            "user_guid": user["guid"] if user else None,
            "user_description": describe_user(user),
            "action": action,
            "event_description": description,
        }
        self.audit_logs.append(entry)
        return entry


def label(item):
    """How audit descriptions name a content item: title, name and guid."""
    title = item.get("title") or item["name"]
    return f"'{title}' ({item['name']}) [{item['guid']}]"


def audit_out(entry):
    return {
        "id": str(entry["id"]),
        "time": fmt_time(entry["time"]),
        "user_id": str(entry["user_id"]),
        "user_guid": entry["user_guid"],
        "user_description": entry["user_description"],
        "action": entry["action"],
        "event_description": entry["event_description"],
    }


def keyset_page(items, limit, asc, after=None, before=None, last=False, keep=None):
    """One page of a keyset-paged list.

    items: ascending by integer "id".  after/before: cursor ids (the page
    starts after / ends before that id in the requested order); last: the
    final page.  keep: optional filter.  Returns (page, more_before, more_after)
    where the flags say whether matching items exist beyond the page.
    """
    n = len(items)

    def at(view):  # item at a position of the requested order
        return items[view] if asc else items[n - 1 - view]

    def scan(start, step, want):
        found, view = [], start
        while 0 <= view < n and len(found) < want:
            if keep is None or keep(at(view)):
                found.append(view)
            view += step
        return found

    ids = operator.itemgetter("id")
    if after is not None or before is None and not last:
        if after is None:
            start = 0
        elif asc:
            start = bisect.bisect_right(items, after, key=ids)
        else:
            start = n - bisect.bisect_left(items, after, key=ids)
        views = scan(start, 1, limit + 1)
        page = views[:limit]
        more_after = len(views) > limit
        more_before = after is not None and bool(scan(start - 1, -1, 1))
    else:
        if last:
            end = n
        elif asc:
            end = bisect.bisect_left(items, before, key=ids)
        else:
            end = n - bisect.bisect_right(items, before, key=ids)
        views = scan(end - 1, -1, limit + 1)
        page = list(reversed(views[:limit]))
        more_before = len(views) > limit
        more_after = bool(scan(end, 1, 1))
    return [at(v) for v in page], more_before, more_after
