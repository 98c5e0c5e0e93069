# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Users and groups, the principals of Connect's permissions: the one lookup path
for both (by guid, exact name or prefix), and the rules for who may own content.

Knows nothing about Ansible; every request goes through ConnectClient.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.posit.connect.plugins.module_utils.api.client import LISTING_PAGES_AT_ONCE, MAX_PAGE_SIZE
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import check_guid, check_not_empty, is_guid
from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.files.timeutil import parse_rfc3339, parse_time

# Before this release GET /v1/groups?prefix= ignored page_number and always answered page 1.
GROUP_PREFIX_PAGING_SINCE = (2025, 4, 0)


def _matches_prefix(item, prefix, fields):
    prefix = prefix.lower()
    return any(str(item.get(field) or "").lower().startswith(prefix) for field in fields)


def _prefix_search(client, path, params, prefix, fields, paged_prefix=False, exact=None):
    """Every item of an offset-paged list matching a prefix search.

    Connect answers a prefix search with one page at most (users always, groups
    before 2025.04.0). When that page is complete it holds every match. When it
    is full, more may exist: page through the whole list without the prefix and
    add the items whose `fields` start with the prefix (case-insensitive).
    With `paged_prefix` the server pages prefix searches itself. With `exact`
    (field, value) only exact matches are returned, and a first page holding
    one ends the search (the field is unique).
    """
    query = dict(params, prefix=prefix)
    if paged_prefix:
        found = list(client.paginate_offset(path, query))
    else:
        query["page_size"] = MAX_PAGE_SIZE
        query["page_number"] = 1
        page = client.get(path, params=query) or {}
        found = page.get("results") or []
        complete = len(found) < MAX_PAGE_SIZE and (page.get("total") or 0) <= len(found)
        if exact:
            hits = [item for item in found if item.get(exact[0]) == exact[1]]
            if hits or complete:
                return hits
        if not complete:
            # Keep the server's matches (they may match on fields we cannot see, such as
            # an LDAP DN), then add every other item whose fields start with the prefix.
            seen = set(item.get("guid") for item in found)
            found = found + [item for item in client.paginate_offset(path, params)
                             if item.get("guid") not in seen and _matches_prefix(item, prefix, fields)]
    if exact:
        return [item for item in found if item.get(exact[0]) == exact[1]]
    return found


# -- users ----------------------------------------------------------------

USER_PREFIX_FIELDS = ("username", "first_name", "last_name")


def list_users(client, username=None, guid=None, prefix=None, roles=None, account_status=None, keys=None, where=None):
    """Users matching every given filter; roles and account_status are lists (OR within each). With `keys`, each user of
    the whole listing keeps only those keys as its page arrives, and with `where` (a test of a user) only the users it
    accepts are kept (a search by username or prefix keeps every key and user)."""
    if guid:
        user = client.get_or_none("v1/users/%s" % guid)
        return [user] if user else []
    params = {}
    if roles:
        params["user_role"] = "|".join(roles)
    if account_status:
        params["account_status"] = "|".join(account_status)
    if username:
        return _prefix_search(client, "v1/users", params, username, USER_PREFIX_FIELDS,
                              exact=("username", username))
    if prefix:
        return _prefix_search(client, "v1/users", params, prefix, USER_PREFIX_FIELDS)
    return _kept(client.paginate_offset("v1/users", params, pages_at_once=LISTING_PAGES_AT_ONCE), keys, where)


def _kept(records, keys, where=None):
    """The records of a paged listing as a list, as each page arrives: with `where`, only those it accepts; with `keys`,
    each keeps only those keys."""
    if where is not None:
        records = (record for record in records if where(record))
    if keys is None:
        return list(records)
    return [dict((key, value) for key, value in record.items() if key in keys) for record in records]


def inactive_since(users, moment):
    """The users whose last activity is before `moment` (aware datetime), or who never signed in."""
    def inactive(user):
        active = parse_rfc3339(user.get("active_time"))
        return active is None or active < moment
    return [user for user in users if inactive(user)]


def active_user_counts(client):
    """Licensed users active within the last 1, 7, 30 and 365 days by role (GET /v1/metrics/users/active,
    administrators only): {"1d": {"total", "admin", "publisher", "viewer"}, ...}; None when the server has
    no such endpoint (404)."""
    found = client.get_or_none("v1/metrics/users/active")
    return None if found is None else found.get("windows") or {}


def current_user(client):
    """The user the API key belongs to."""
    return client.get("v1/user")


def find_user(client, name_or_guid):
    """The user with this guid or username, or None."""
    found = list_users(client, guid=name_or_guid) if is_guid(name_or_guid) else list_users(client, username=name_or_guid)
    return found[0] if found else None


def require_user(client, name_or_guid, option):
    return _known_user(find_user(client, name_or_guid), name_or_guid, option)


def _known_user(user, name_or_guid, option):
    if user is None:
        raise InputError("Option '%s': no Connect user with username or guid %r. Check the "
                         "spelling, or list users with posit.connect.connect_user_info."
                         % (option, name_or_guid))
    return user


def require_owner(client, name_or_guid, option="owner"):
    """A user who may own content (publisher or administrator, not locked)."""
    return _may_own(require_user(client, name_or_guid, option), option)


def _may_own(user, option):
    if user.get("user_role") not in ("publisher", "administrator"):
        raise InputError("Option '%s': user %r is a %s; content can only be owned by a "
                         "publisher or administrator. Choose another user or change "
                         "their role first." % (option, user.get("username"), user.get("user_role")))
    if user.get("locked"):
        raise InputError("Option '%s': user %r is locked and cannot own content."
                         % (option, user.get("username")))
    return user


# -- groups ---------------------------------------------------------------

def _group_prefix_pages(client):
    """True when the server pages prefix searches on groups (2025.04.0 and later)."""
    version = client.version()
    return version is not None and version >= GROUP_PREFIX_PAGING_SINCE


def list_groups(client, name=None, guid=None, prefix=None, keys=None, where=None):
    """Groups with this guid, exact name, or name prefix (all groups when none is given; with `keys`, each keeps only
    those keys as its page arrives, and with `where`, a test of a group, only the groups it accepts are kept)."""
    if guid:
        group = client.get_or_none("v1/groups/%s" % guid)
        return [group] if group else []
    if name:
        return _prefix_search(client, "v1/groups", {}, name, ("name",),
                              paged_prefix=_group_prefix_pages(client), exact=("name", name))
    if prefix:
        return _prefix_search(client, "v1/groups", {}, prefix, ("name",),
                              paged_prefix=_group_prefix_pages(client))
    return _kept(client.paginate_offset("v1/groups", pages_at_once=LISTING_PAGES_AT_ONCE), keys, where)


def group_members(client, group_guid, keys=None):
    """The users of one group (every page; with `keys`, each keeps only those keys as its page arrives)."""
    return _kept(client.paginate_offset("v1/groups/%s/members" % group_guid, pages_at_once=LISTING_PAGES_AT_ONCE), keys)


def add_group_members(client, groups, concurrency=8):
    """Set groups[i]['members'] to the group's users, fetched concurrently."""
    def members(group):
        return group_members(client, group["guid"])

    for group, users, error in client.map_concurrent(members, groups, concurrency):
        if error is not None:
            raise ConnectError("Could not list the members of group %r: %s"
                               % (group.get("name"), error.message),
                               method=error.method, path=error.path, status=error.status,
                               code=error.code)
        group["members"] = users
    return groups


def find_principal(client, principal, principal_type):
    """The user (by username or guid) or group (by name or guid) named by `principal`, or None."""
    if principal_type == "user":
        return find_user(client, principal)
    found = list_groups(client, guid=principal) if is_guid(principal) else list_groups(client, name=principal)
    return found[0] if found else None


def require_principal(client, principal, principal_type, option="principal"):
    """The user (by username or guid) or group (by name or guid) named by `principal`."""
    return _known_principal(find_principal(client, principal, principal_type), principal, principal_type, option)


def _known_principal(found, principal, principal_type, option):
    if found is None:
        other = "group" if principal_type == "user" else "user"
        raise InputError("Option '%s': no Connect %s with %s %r. Check the spelling, or set "
                         "'principal_type: %s' if it is a %s."
                         % (option, principal_type,
                            "guid" if is_guid(principal) else ("username" if principal_type == "user" else "name"),
                            principal, other, other))
    return found


# -- many principals: a lookup each, or one listing --------------------------------

PRINCIPAL_LISTINGS = {"user": ("v1/users", "username"), "group": ("v1/groups", "name")}


def principal_key(value):
    """How a principal is known: its guid (lower case) or its exact username or group name."""
    return value.lower() if is_guid(value) else value


def list_if_cheaper(client, principal_type, wanted):
    """The users (or groups) that a lookup each of `wanted` (usernames, group names or guids) would find, read in
    the fewest requests: a lookup costs one request, every user's listing one per page of MAX_PAGE_SIZE.

    Returns (principals, complete). With fewer than two wanted: ([], False), look them up. Otherwise the listing's
    first page tells its total: when it holds every user it is the answer (complete); when the rest of the pages
    would cost fewer requests than looking up the wanted ones it lacks, the whole listing; else that page only
    (not complete: look the others up).
    """
    if len(wanted) < 2:
        return [], False
    path, name = PRINCIPAL_LISTINGS[principal_type]
    page = client.get(path, params=dict(page_size=MAX_PAGE_SIZE, page_number=1)) or {}
    found = page.get("results") or []
    total = page.get("total")
    if (total is None and len(found) < MAX_PAGE_SIZE) or (total is not None and total <= len(found)):
        return found, True
    seen = set(principal_key(p.get(field) or "") for p in found for field in ("guid", name))
    missing = len([value for value in wanted if value not in seen])
    if total is not None and -(-total // MAX_PAGE_SIZE) < missing:  # the listing, page 1 again included
        return list(client.paginate_offset(path, pages_at_once=LISTING_PAGES_AT_ONCE)), True
    return found, False


# -- the authentication provider's directory (LDAP, OAuth2 with Google) -------

REMOTE_FIELDS = {"users": "username", "groups": "name"}


def require_remote(client, kind, name, option):
    """The one entry of the provider's directory (GET /v1/users/remote or /v1/groups/remote) named exactly
    `name`; an InputError listing the candidates when there is none or several."""
    field = REMOTE_FIELDS[kind]
    page = client.get("v1/%s/remote" % kind, params=dict(prefix=name, limit=MAX_PAGE_SIZE)) or {}
    found = page.get("results") or []
    exact = [entry for entry in found if entry.get(field) == name]
    if len(exact) == 1 and not exact[0].get("temp_ticket"):  # no recording of this endpoint: read it with care
        raise InputError("Option '%s': the authentication provider's directory entry %r carries no temp_ticket, so "
                         "Connect cannot add it from the directory. Check that the provider is an LDAP or OAuth2 "
                         "one and that the entry is not on Connect already." % (option, name))
    if len(exact) == 1:
        return exact[0]
    shown = ", ".join(sorted(repr(entry.get(field)) for entry in (exact or found)[:10])) or "none"
    raise InputError("Option '%s': %s %r in the authentication provider's directory (candidates: %s). Give the "
                     "exact %s of one entry." % (option, "several entries match" if exact else "no entry is exactly",
                                                 name, shown, field))


class UserCache:
    """Looks each user and group up once per task: require_owner, require_user and require_principal by name or
    guid, name_of(guid). What a task will look up can be announced with expect(): when two or more are pending,
    the next lookup of that kind reads them in the fewest requests (list_if_cheaper), one paged listing when that
    is cheaper than a lookup each."""

    def __init__(self, client):
        self.client = client
        self._found = {}                    # (kind, key) -> user, group or None
        self._expected = dict(user=set(), group=set())
        self._listed = {}                   # kind -> True once every principal of that kind was read
        self._paged = set()                 # the kinds whose listing was read (in part or whole)
        self._lock = threading.Lock()

    def expect(self, principal_type, values):
        """Announce usernames, group names or guids that lookups will ask for."""
        with self._lock:
            self._expected[principal_type].update(principal_key(v) for v in values if isinstance(v, str) and v)

    def _find(self, principal_type, value):
        key = principal_key(value)
        with self._lock:
            if (principal_type, key) not in self._found and principal_type not in self._paged:
                self._read_expected(principal_type, key)
            if (principal_type, key) in self._found or self._listed.get(principal_type):
                return self._found.get((principal_type, key))
            found = self._found[(principal_type, key)] = find_principal(self.client, value, principal_type)
            return found

    def _read_expected(self, principal_type, key):
        """Decide, with the lookups pending (the announced ones and `key`), between a lookup each and the listing."""
        pending = set(k for k in self._expected[principal_type] | set([key]) if (principal_type, k) not in self._found)
        if len(pending) < 2:
            return
        self._paged.add(principal_type)
        found, complete = list_if_cheaper(self.client, principal_type, pending)
        name = PRINCIPAL_LISTINGS[principal_type][1]
        for principal in found:
            for field in ("guid", name):
                if principal.get(field):
                    self._found[(principal_type, principal_key(principal[field]))] = principal
        self._listed[principal_type] = complete

    def require_owner(self, value, option="owner"):
        return _may_own(self.require_user(value, option), option)

    def require_user(self, value, option):
        return _known_user(self._find("user", value), value, option)

    def require_principal(self, value, principal_type, option="principal"):
        """A user (username or guid) or group (name or guid), as require_principal finds it."""
        return _known_principal(self._find(principal_type, value), value, principal_type, option)

    def name_of(self, guid):
        """The username of a user guid (None when unknown), for messages and diffs."""
        if not guid:
            return None
        try:
            return (self._find("user", guid) or {}).get("username")
        except ConnectError:
            return None


# -- the info modules -------------------------------------------------------------------


USER_FILTER_KEYS = frozenset(("locked", "active_time"))  # what user_info's own filters read of a user


def user_info(client, params):
    """connect_user_info: the users matching its filters (every input checked before the first request)."""
    check_guid(params["guid"], "guid", "user", "To find a user by name use 'username'.")
    check_not_empty(params, "username", "prefix")
    before = parse_time(params["inactive_since"], "inactive_since")
    fields = params.get("fields")
    users = list_users(client, username=params["username"], guid=params["guid"], prefix=params["prefix"],
                       roles=params["role"], account_status=params["account_status"],
                       keys=None if fields is None else USER_FILTER_KEYS | frozenset(fields))
    if params["locked"] is not None:
        users = [user for user in users if bool(user.get("locked")) is params["locked"]]
    if before is not None:
        users = inactive_since(users, before)
    return dict(changed=False, users=users)


def group_info(client, params):
    """connect_group_info: the groups matching its filters, with their members when asked."""
    check_guid(params["guid"], "guid", "group", "To find a group by name use 'name'.")
    check_not_empty(params, "name", "prefix")
    groups = list_groups(client, name=params["name"], guid=params["guid"], prefix=params["prefix"])
    if params["members"]:
        add_group_members(client, groups)
    return dict(changed=False, groups=groups)
