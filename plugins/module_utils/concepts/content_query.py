# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Content items: the reads (one item, the listing, by name, the content selector) that connect_content's
resource (resources/content.py), connect_content_info and the other modules share.

The field options and their validation are in content_fields.py, the fields themselves (which are writable,
their kinds and limits) in fields.py. Bad input raises InputError before any request; the client raises
ConnectError. Nothing here depends on AnsibleModule.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_fields import check_guid
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import check_guid as _check_guid
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import is_guid
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import list_groups, list_users, require_user
from ansible_collections.posit.connect.plugins.module_utils.concepts.tags import tag_path, tags_by_id

VANITY_INCLUDE_SINCE = (2024, 6, 0)  # GET /v1/content answers include=vanity_url from this release


# -- reads -------------------------------------------------------------------


def get_content(client, guid, params=None):
    """One item by guid, or None when Connect does not know it."""
    return client.get_or_none("v1/content/%s" % guid, params=params)


def require_content(client, guid, option="content"):
    """The item with this guid; an InputError when it is malformed or unknown."""
    _check_guid(guid, option, "content")
    content = get_content(client, guid)
    if content is None:
        raise InputError("Option '%s': no content item with guid %r (or the API key's user "
                         "cannot see it)." % (option, guid))
    return content


def list_content(client, name=None, owner_guid=None, include=None, keys=None):
    """GET /v1/content: every item the key can see, or those named `name` or owned by `owner_guid`. Connect answers it
    unpaged, so it is read as it arrives (client.get_list); with `keys`, each item keeps only those keys (and its name)."""
    params = {}
    if name is not None:
        params["name"] = name
    if owner_guid is not None:
        params["owner_guid"] = owner_guid
    if include:
        params["include"] = ",".join(include)
    if keys is not None and name is not None:
        keys = frozenset(keys) | {"name"}
    items = client.get_list("v1/content", params=params or None, keys=keys) or []
    if name is not None:  # the server filter is exact; keep it so on any server
        items = [item for item in items if item.get("name") == name]
    return items


def pick_by_name(matches, name, owner_guid=None, where=""):
    """The one item among those named `name`; several are narrowed by owner, else an error."""
    if len(matches) > 1 and owner_guid is not None:
        owned = [item for item in matches if item.get("owner_guid") == owner_guid]
        if len(owned) == 1:
            return owned[0]
    if len(matches) > 1:
        listed = ", ".join("%s (owner %s)" % (item.get("guid"), (item.get("owner") or {}).get("username")
                                              or item.get("owner_guid")) for item in matches)
        raise InputError("Option '%sname': %d content items are named %r: %s. Set 'guid' to choose one, "
                         "or 'owner' to choose the one that user owns." % (where, len(matches), name, listed))
    return matches[0] if matches else None


# -- connect_content_info -------------------------------------------------------


def content_info(client, params, concurrency=8):
    """The content matching connect_content_info's filters, as Connect returns it."""
    guid = params.get("guid")
    check_guid(guid)
    include = params.get("include") or []
    server_include = [name for name in ("owner", "tags", "schedule") if name in include]
    if "vanity_url" in include:
        version = client.version()
        if version is None or version >= VANITY_INCLUDE_SINCE:
            server_include.append("vanity_url")  # else one GET /v1/vanities below
    owner_guid = None
    if params.get("owner") is not None:
        owner = params["owner"]
        owner_guid = owner if is_guid(owner) else require_user(client, owner, "owner")["guid"]

    if guid is not None:
        item = get_content(client, guid, params={"include": ",".join(server_include)} if server_include else None)
        items = [item] if item is not None else []
    else:
        items = list_content(client, name=params.get("name"), owner_guid=owner_guid, include=server_include,
                             keys=listing_keys(params.get("fields"), server_include))

    def keep(item):
        if guid is not None and params.get("name") is not None and item.get("name") != params["name"]:
            return False
        if guid is not None and owner_guid is not None and item.get("owner_guid") != owner_guid:
            return False
        if params.get("id") is not None and str(item.get("id")) != str(params["id"]):
            return False
        if params.get("app_mode") and item.get("app_mode") not in params["app_mode"]:
            return False
        if params.get("access_type") and item.get("access_type") not in params["access_type"]:
            return False
        return True

    items = [item for item in items if keep(item)]
    if "vanity_url" in include and items and not answered(items, "vanity_url"):
        _add_vanity_urls(client, items, concurrency)
    if "tags" in include and items and not answered(items, "tags"):
        items = _add_per_item(client, items, "tags", "tags", concurrency)
    if "tags" in include and any(item.get("tags") for item in items):
        add_tag_paths(client, items)
    for field, path in (("permissions", "permissions"), ("environment", "environment")):
        if field in include and items:
            items = _add_per_item(client, items, field, path, concurrency)
    if "permissions" in include:
        name_principals(client, [entry for item in items for entry in item["permissions"]])
    return items


# The keys of a listed item that content_info reads itself: its filters (keep) and the per-item reads need them.
FILTER_KEYS = frozenset(("guid", "name", "owner_guid", "id", "app_mode", "access_type"))


def listing_keys(fields, server_include):
    """The keys each listed item must keep for connect_content_info to return `fields` (None: every key): those, the
    ones its filters read, and the included ones whose presence says the listing answered them (answered)."""
    if fields is None:
        return None
    return FILTER_KEYS | frozenset(fields) | frozenset(server_include)


def _add_per_item(client, items, field, path, concurrency):
    """item[field] = GET /v1/content/{guid}/<path>, concurrently; items deleted since the listing are dropped."""
    def read(item):
        return client.get_or_none("v1/content/%s/%s" % (item["guid"], path))  # None: deleted since listed

    kept = []
    for item, found, error in client.map_concurrent(read, items, concurrency):
        if error is not None:
            raise error
        if found is not None:
            item[field] = found or []
            kept.append(item)
    return kept


def answered(items, key):
    """Whether a listing asked with include=<key> answered it. Connect leaves the key out of an item that has none
    (no tags, no vanity URL), and no recording of GET /v1/content shows the keys at all: a listing in which no
    item carries the key is read again (an absent key is never taken as "no tags" or "no vanity URL")."""
    return any(key in item for item in items)


def vanity_paths(client):
    """{content guid: vanity path} from one GET /v1/vanities (administrators only; others get a ConnectError).

    No recording of the endpoint: an entry without content_guid or path names no item's URL and is left out.
    """
    return dict((v["content_guid"], v["path"]) for v in client.get("v1/vanities") or []
                if v.get("content_guid") and v.get("path"))


def _add_vanity_urls(client, items, concurrency):
    """item["vanity_url"] (a URL) for the items that have one: one GET /v1/vanities, or for a key that may not read it
    GET /v1/content/{guid}/vanity per item, concurrently."""
    root = client.api_root[:-len("/__api__")]
    try:
        paths = vanity_paths(client)
    except ConnectError as exc:
        if exc.status not in (401, 403):
            raise
        paths = {}
        for item, found, error in client.map_concurrent(
                lambda one: client.get_or_none("v1/content/%s/vanity" % one["guid"]), items, concurrency):
            if error is not None:
                raise error
            if found and found.get("path"):
                paths[item["guid"]] = found["path"]
    for item in items:
        if item["guid"] in paths:  # as Connect answers include=vanity_url: no key for an item without one
            item["vanity_url"] = root + paths[item["guid"]]


def add_tag_paths(client, items):
    """Each tag of each item gains `path` ("Department/Finance"), from one GET /v1/tags."""
    by_id = tags_by_id(client.get("v1/tags"))
    for item in items:
        for tag in item.get("tags") or []:
            tag["path"] = tag_path(by_id.get(str(tag["id"]), tag), by_id)


def name_principals(client, entries):
    """Add principal_name (username or group name) beside principal_guid to ACL entries: one listing of users
    and one of groups, each only when an entry needs it, each principal kept, as its page arrives, only when an entry
    names it, and then for its guid and name alone (50,000 users held whole would outweigh the ACLs)."""
    wanted = dict((kind, set(entry.get("principal_guid") for entry in entries if entry.get("principal_type") == kind))
                  for kind in ("user", "group"))
    names = {}
    for kind, listing, field in (("user", list_users, "username"), ("group", list_groups, "name")):
        if wanted[kind]:
            named = listing(client, keys=("guid", field), where=lambda p, guids=wanted[kind]: p.get("guid") in guids)
            names.update(((kind, p.get("guid")), p.get(field)) for p in named)
    for entry in entries:
        entry["principal_name"] = names.get((entry.get("principal_type"), entry.get("principal_guid")))


def select_content(client, guid=None, name=None, owner=None):
    """The one existing item chosen by guid, or by name (and owner where names repeat); InputError otherwise."""
    if guid is not None:
        return require_content(client, guid, "guid")
    owner_guid = require_user(client, owner, "owner")["guid"] if owner is not None else None
    found = pick_by_name(list_content(client, name=name, include=["owner"]), name, owner_guid)
    if found is None or (owner_guid is not None and found.get("owner_guid") != owner_guid):
        raise InputError("Option 'name': no content named %r%s (or the API key's user cannot see it)."
                         % (name, " owned by %s" % owner if owner else ""))
    found = dict(found)
    found.pop("owner", None)
    return found
