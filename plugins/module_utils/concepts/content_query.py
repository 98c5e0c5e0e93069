# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Content items: the field options and their validation, and the reads
(one item, the listing, by name) that connect_content's resource
(resources/content.py) and connect_content_info share.

The fields themselves (which are writable, their kinds and limits) are in
fields.py. Bad input raises InputError before any request; the client raises
ConnectError. Nothing here depends on AnsibleModule.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.common.validation import check_type_bool, check_type_float, check_type_int

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.fields import (
    FIELD_CHOICES,
    FIELD_OPTIONS,
    NON_NEGATIVE_FIELDS,
    NOT_NULLABLE,
    OPTION_FIELD,
    RESETTABLE_FIELDS,
    TITLE_LENGTH,
    WRITABLE_FIELDS,
)
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import check_guid as _check_guid
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import is_guid
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import list_groups, list_users, require_user
from ansible_collections.posit.connect.plugins.module_utils.concepts.tags import tag_path, tags_by_id

NAME_RE = re.compile(r"^[A-Za-z0-9._-]+$")
VANITY_INCLUDE_SINCE = (2024, 6, 0)  # GET /v1/content answers include=vanity_url from this release


def field_argument_spec():
    """The per-item options, shared by the top level and each entry of `items`."""
    spec = dict((option, dict(type=kind)) for option, kind in FIELD_OPTIONS.items())
    spec["access_type"]["choices"] = list(FIELD_CHOICES["access_type"])
    spec["settings"] = dict(type="dict")
    spec["reset"] = dict(type="list", elements="str")
    return spec


# -- validation ------------------------------------------------------------


def _coerce(field, value, label):
    """Check a `settings` value against the field's kind (as the option types do)."""
    if value is None:
        if field in NOT_NULLABLE:
            raise InputError("%s: %s cannot be null; set a value instead." % (label, field))
        return None
    kind = WRITABLE_FIELDS[field]
    try:
        if kind == "bool":
            return check_type_bool(value)
        if isinstance(value, bool):
            raise TypeError("%r is a boolean" % value)
        if kind == "int":
            return check_type_int(value)
        if kind == "float":
            return check_type_float(value)
    except (TypeError, ValueError) as exc:
        raise InputError("%s: %s must be %s, got %r (%s)."
                         % (label, field, {"bool": "a boolean", "int": "an integer", "float": "a number"}[kind],
                            value, exc))
    if not isinstance(value, str):
        raise InputError("%s: %s must be a string, got %r (%s)." % (label, field, value, type(value).__name__))
    return value


def desired_fields(params, where=""):
    """{field: desired value} from one level of options (the top level or one item).

    Only what was set counts: an option left out (None) is not managed. `where`
    prefixes option names in messages (e.g. "items[3].").
    """
    desired, source = {}, {}
    for option in FIELD_OPTIONS:
        value = params.get(option)
        if value is not None:
            field = OPTION_FIELD.get(option, option)
            desired[field], source[field] = value, where + option
    for field, value in (params.get("settings") or {}).items():
        label = "%ssettings.%s" % (where, field)
        if field not in WRITABLE_FIELDS:
            raise InputError("Option '%ssettings': %r is not a writable content field. Writable fields: %s."
                             % (where, field, ", ".join(sorted(WRITABLE_FIELDS))))
        if field in desired:
            raise InputError("Option '%s' sets %s, which option '%s' already sets; set it once."
                             % (label, field, source[field]))
        value = _coerce(field, value, "Option '%s'" % label)
        if field == "default_environment_guid" and value:
            value = value.lower()  # as Connect stores it
        desired[field], source[field] = value, label
    for field in params.get("reset") or []:
        if field not in RESETTABLE_FIELDS:
            raise InputError("Option '%sreset': %r cannot be reset to the server default. Fields that can: %s."
                             % (where, field, ", ".join(sorted(RESETTABLE_FIELDS))))
        if field in source:
            raise InputError("Option '%sreset' lists %s, which option '%s' sets; do one or the other."
                             % (where, field, source[field]))
        desired[field], source[field] = None, where + "reset"
    _check_values(desired, source)
    return desired


def _check_values(desired, source):
    for field, value in desired.items():
        if value is None:
            continue
        if field in NON_NEGATIVE_FIELDS and value < 0:
            raise InputError("Option '%s' must be 0 or more, got %s." % (source[field], value))
        if field in FIELD_CHOICES and value not in FIELD_CHOICES[field]:
            raise InputError("Option '%s' must be one of %s, got %r."
                             % (source[field], ", ".join(repr(c) for c in FIELD_CHOICES[field]), value))
    if desired.get("max_processes") == 0:
        raise InputError("Option '%s' must be 1 or more, got 0." % source["max_processes"])
    if desired.get("load_factor") is not None and desired["load_factor"] > 1:
        raise InputError("Option '%s' must be between 0 and 1, got %s." % (source["load_factor"], desired["load_factor"]))
    if desired.get("default_environment_guid") is not None and not is_guid(desired["default_environment_guid"]):
        raise InputError("Option '%s' must be an environment guid, got %r."
                         % (source["default_environment_guid"], desired["default_environment_guid"]))
    if desired.get("title") is not None and not TITLE_LENGTH[0] <= len(desired["title"]) <= TITLE_LENGTH[1]:
        raise InputError("Option '%s' must be %d to %d characters long (Connect refuses other titles), got %r."
                         % ((source["title"],) + TITLE_LENGTH + (desired["title"],)))
    if desired.get("name") is not None:
        check_name(desired["name"], source["name"])
    if "min_processes" in desired and "max_processes" in desired:
        check_process_limits({}, desired, "Options '%s' and '%s': " % (source["min_processes"], source["max_processes"]))


def check_name(name, option="name"):
    if not NAME_RE.match(name) or len(name) > 64:
        raise InputError("Option '%s': %r is not a valid content name; use 1 to 64 letters, digits, '.', '-' and '_'."
                         % (option, name))


def check_guid(guid, option="guid"):
    return _check_guid(guid, option, "content", "Use 'name' to select content by name.")


def check_process_limits(current, desired, where=""):
    """min_processes may not exceed max_processes, counting the current value of the one not given."""
    low = desired["min_processes"] if "min_processes" in desired else current.get("min_processes")
    high = desired["max_processes"] if "max_processes" in desired else current.get("max_processes")
    if low is not None and high is not None and low > high:
        def told(field, value):
            return "%s (%s%s)" % (field, value, "" if field in desired else ", its current value")
        raise InputError("%s%s is greater than %s; lower min_processes or raise max_processes."
                         % (where, told("min_processes", low), told("max_processes", high)))


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


def list_content(client, name=None, owner_guid=None, include=None):
    params = {}
    if name is not None:
        params["name"] = name
    if owner_guid is not None:
        params["owner_guid"] = owner_guid
    if include:
        params["include"] = ",".join(include)
    items = client.get("v1/content", params=params or None) or []
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
    server_include = [name for name in ("owner", "tags") if name in include]
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
        items = list_content(client, name=params.get("name"), owner_guid=owner_guid, include=server_include)

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
    and one of groups, each only when an entry needs it."""
    names = {}
    for kind, listing, field in (("user", list_users, "username"), ("group", list_groups, "name")):
        if any(entry.get("principal_type") == kind for entry in entries):
            names.update(((kind, p.get("guid")), p.get(field)) for p in listing(client))
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
