# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which content items an operations module acts on: the one home of the selection options (guid; name with owner;
items; owned_by; tags; app_mode), documented by the posit.connect.connect.content_selection doc fragment.

select() reads one item by guid, or one GET /v1/content listing (narrowed by the server to a name or an owner where
the options allow), and filters it locally; each tag path costs one GET /v1/tags/{id}/content (after one
GET /v1/tags). An unknown guid, name, owner or tag is an InputError naming the option, before any write.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import (
    check_guid,
    get_content,
    list_content,
    pick_by_name,
)
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import is_guid
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import require_user
from ansible_collections.posit.connect.plugins.module_utils.concepts.tags import tag_paths, tags_by_id

# The options that select (for a module's required_one_of), and those that cannot go together.
SELECTORS = ["guid", "name", "items", "owned_by", "tags", "app_mode"]
SELECTION_EXCLUSIVE = [["guid", "items"], ["name", "items"], ["guid", "owned_by"], ["name", "owned_by"]]


def selection_spec():
    """The argument-spec options of the selection (merge them into a module's argument_spec)."""
    def one():
        return dict(guid=dict(type="str"), name=dict(type="str"), owner=dict(type="str"))
    return dict(
        one(),
        items=dict(type="list", elements="dict", options=one(), required_one_of=[["guid", "name"]],
                   mutually_exclusive=[["guid", "name"]]),
        owned_by=dict(type="str"),
        tags=dict(type="list", elements="str"),
        app_mode=dict(type="list", elements="str"),
    )


def selection_rules(required=True):
    """The AnsibleModule keywords of the selection: the exclusions, and (with `required`) one selector at least."""
    rules = dict(mutually_exclusive=[list(pair) for pair in SELECTION_EXCLUSIVE])
    if required:
        rules["required_one_of"] = [list(SELECTORS)]
    return rules


def selected(params):
    """Whether any selection option is set (a module whose selection is optional reads all content otherwise)."""
    return any(params.get(option) not in (None, []) for option in SELECTORS)


def _check(params):
    """Inputs checked before any request: the guids, and the tag paths as Connect writes them."""
    check_guid(params.get("guid"))
    for index, entry in enumerate(params.get("items") or []):
        check_guid(entry.get("guid"), "items[%d].guid" % index)
        if entry.get("guid") is None and not (entry.get("name") or "").strip():
            raise InputError("Option 'items[%d]': give 'guid' or 'name' to select an item." % index)
    if params.get("owner") is not None and params.get("name") is None and params.get("guid") is None:
        raise InputError("Option 'owner' selects among the items named by 'name'; set 'name' too, or use "
                         "'owned_by' to select everything a user owns.")
    paths = []
    for path in params.get("tags") or []:
        parts = [part.strip() for part in str(path).split("/")]
        if not all(parts):
            raise InputError("Option 'tags': %r is not a tag path; write the tag after its parents with '/' between "
                             "them, e.g. 'Department/Finance'." % path)
        paths.append("/".join(parts))
    return paths


def _user_guid(client, value, option):
    return value.lower() if is_guid(value) else require_user(client, value, option)["guid"]


def _tagged(client, paths):
    """The guids of the content that carries every one of these tag paths (None when no path is given)."""
    if not paths:
        return None
    ids = dict((path, tag_id) for tag_id, path in tag_paths(tags_by_id(client.get("v1/tags"))).items())
    unknown = [path for path in paths if path not in ids]
    if unknown:
        raise InputError("Option 'tags': no tag %s on this server; tag paths name the category first, e.g. "
                         "'Department/Finance'." % ", ".join(repr(path) for path in unknown))
    guids = None
    for path in paths:
        found = set(c.get("guid") for c in client.get("v1/tags/%s/content" % ids[path]) or [])
        guids = found if guids is None else guids & found
    return guids


def select(client, params, include=None):
    """The content items (as Connect lists them) that the selection options of `params` select, in their order.

    guid: that item; name (with owner where names repeat): that item; items: each entry, in order; owned_by: the
    items that user owns; tags: the items that carry all these tag paths; app_mode: the items of these modes.
    Options given together narrow each other. None given: every item the API key's user can see.
    include: GET /v1/content's include values to ask with the read (e.g. ["schedule"]).
    """
    paths = _check(params)
    guid, name, entries = check_guid(params.get("guid")), params.get("name"), params.get("items")
    owned_by = _user_guid(client, params["owned_by"], "owned_by") if params.get("owned_by") is not None else None
    owner = _user_guid(client, params["owner"], "owner") if params.get("owner") is not None else None
    tagged = _tagged(client, paths)

    if guid is not None:
        found = get_content(client, guid, params={"include": ",".join(include)} if include else None)
        if found is None:
            raise InputError("Option 'guid': no content item with guid %r (or the API key's user cannot see it)."
                             % guid)
        if owner is not None and found.get("owner_guid") != owner:
            raise InputError("Option 'owner': content item %s is not owned by %s." % (guid, params["owner"]))
        chosen = [found]
    elif name is not None:
        found = pick_by_name(list_content(client, name=name, include=include), name, owner)
        if found is None or (owner is not None and found.get("owner_guid") != owner):
            raise InputError("Option 'name': no content named %r%s (or the API key's user cannot see it)."
                             % (name, " owned by %s" % params["owner"] if owner else ""))
        chosen = [found]
    elif entries is not None:
        chosen = _pick_items(client, entries, include)
    else:
        chosen = list_content(client, owner_guid=owned_by, include=include)

    modes = params.get("app_mode")
    return [item for item in chosen
            if (owned_by is None or item.get("owner_guid") == owned_by)
            and (tagged is None or item.get("guid") in tagged)
            and (not modes or item.get("app_mode") in modes)]


def _pick_items(client, entries, include=None):
    """Each entry of `items` from one listing, in order, once each."""
    listing = list_content(client, include=include)
    by_guid = dict((item.get("guid", "").lower(), item) for item in listing)
    by_name = {}
    for item in listing:
        by_name.setdefault(item.get("name"), []).append(item)
    chosen, seen = [], set()
    for index, entry in enumerate(entries):
        where = "items[%d]." % index
        owner = _user_guid(client, entry["owner"], where + "owner") if entry.get("owner") is not None else None
        if entry.get("guid") is not None:
            found = by_guid.get(entry["guid"].lower())
            if found is None:
                raise InputError("Option '%sguid': no content item with guid %r (or the API key's user cannot see it)."
                                 % (where, entry["guid"]))
        else:
            matches = by_name.get(entry["name"], [])
            if owner is not None:
                matches = [item for item in matches if item.get("owner_guid") == owner]
            found = pick_by_name(matches, entry["name"], owner, where)
            if found is None:
                raise InputError("Option '%sname': no content named %r%s (or the API key's user cannot see it)."
                                 % (where, entry["name"], " owned by %s" % entry["owner"] if owner else ""))
        if owner is not None and found.get("owner_guid") != owner:
            raise InputError("Option '%sowner': content item %s is not owned by %s."
                             % (where, found.get("guid"), entry["owner"]))
        if found.get("guid") not in seen:
            seen.add(found.get("guid"))
            chosen.append(found)
    return chosen
