# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_content's facets: an item's tags, vanity URL, environment variables and whole ACL.

Each is handled only for items whose spec (or the batch's top level) sets it.
Reads: tags and vanity URLs come with the batch's one GET /v1/content
(include=tags,vanity_url; before 2024.06 one GET /v1/vanities instead), the
single form reads them per item; environment names and ACLs are read per item,
concurrently, by the engine. Everything Connect would refuse (an unknown tag,
a taken or forbidden vanity path, a viewer as collaborator, the owner in the
ACL) fails the item before any write. Environment values never leave the
module: plans, results and diffs carry names only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import threading

from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.posit.connect.plugins.module_utils.content import VANITY_INCLUDE_SINCE
from ansible_collections.posit.connect.plugins.module_utils.engine import Facet
from ansible_collections.posit.connect.plugins.module_utils.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.principals import current_user

VANITY_RE = re.compile(r"^/[A-Za-z0-9_/-]+/$")
RESERVED_VANITY_PREFIXES = ("/__", "/favicon.ico", "/connect", "/apps", "/users", "/groups", "/setpassword",
                            "/user-completion", "/confirm", "/recent", "/reports", "/plots", "/unpublished",
                            "/settings", "/metrics", "/tokens", "/help", "/login", "/welcome", "/register",
                            "/resetpassword", "/content")
MASK = "********"
MASK_SET = "******** (value sent)"


def facet_argument_spec(item=False):
    """The facet options of connect_content: the top level (item=False) or one `items` entry."""
    flag = dict(type="bool") if item else dict(type="bool", default=False)
    permission = dict(principal=dict(type="str", required=True),
                      principal_type=dict(type="str", choices=["user", "group"], default="user"),
                      role=dict(type="str", choices=["viewer", "owner"], default="viewer"))
    return dict(
        tags=dict(type="list", elements="str"), purge_tags=dict(flag),
        vanity_url=dict(type="str"), force_vanity_url=dict(flag),
        environment=dict(type="dict", no_log=True), overwrite_environment=dict(flag), purge_environment=dict(flag),
        permissions=dict(type="list", elements="dict", options=permission), purge_permissions=dict(flag),
    )


def content_facets(resource):
    """The facets of one run of the content resource (each keeps that run's lookups)."""
    return (TagsFacet(resource), VanityFacet(resource), EnvironmentFacet(resource), PermissionsFacet(resource))


def _option(resource, item, name):
    """(value, option label): an item's own value, else the batch's top-level one."""
    if item.index is not None and item.spec.get(name) is not None:
        return item.spec[name], item.where + name
    return resource.top.get(name), name


def prepare_facets(resource, item):
    """Check each facet option the item sets and put its wanted value in item.facets."""
    for facet in resource.facets:
        if not isinstance(facet, ContentFacet):
            continue  # a subclass's own facet (connect_deploy's bundle) prepares itself
        value, option = _option(resource, item, facet.name)
        if value is not None:
            flags = dict((flag, bool(_option(resource, item, flag)[0])) for flag in facet.flags)
            item.facets[facet.name] = facet.prepare(value, option, flags)


def listing_include(resource, items):
    """The include values the batch's GET /v1/content needs for the facets its items set."""
    include = []
    for facet in resource.facets:
        if facet.name in ("tags", "vanity_url") and (
                resource.top.get(facet.name) is not None or any(item.spec.get(facet.name) is not None for item in items)):
            if facet.name == "vanity_url":
                version = resource.client.version()
                if version is not None and version < VANITY_INCLUDE_SINCE:
                    continue  # read with one GET /v1/vanities instead
            facet.included = True
            include.append(facet.name)
    return include


def _guid(item):
    return (item.current or item.result or {}).get("guid")


class ContentFacet(Facet):
    flags = ()

    def __init__(self, resource):
        self.resource = resource
        self.client = resource.client
        self.included = False   # read by the batch's listing
        self.lock = threading.Lock()


# -- tags ------------------------------------------------------------------------------------------------

class TagsFacet(ContentFacet):
    """Tag paths ("Department/Finance"); the item ends with at least these (purge_tags: exactly these)."""

    name = "tags"
    flags = ("purge_tags",)

    def __init__(self, resource):
        super(TagsFacet, self).__init__(resource)
        self.by_id = None
        self.by_path = None

    def prepare(self, value, option, flags):
        paths = []
        for path in value:
            parts = [part.strip() for part in str(path).split("/")]
            if not all(parts):
                raise InputError("Option '%s': %r is not a tag path; write the tag after its parents with '/' "
                                 "between them, e.g. 'Department/Finance'." % (option, path))
            paths.append("/".join(parts))
        return dict(paths=paths, option=option, purge=flags["purge_tags"])

    def tree(self):
        """The tag tree, read once (GET /v1/tags)."""
        with self.lock:
            if self.by_id is None:
                tags = self.client.get("v1/tags") or []
                self.by_id = dict((str(tag["id"]), tag) for tag in tags)
                self.by_path = dict((self.path(tag_id), tag_id) for tag_id in self.by_id)
        return self.by_id

    def path(self, tag_id):
        names, tag = [], self.by_id.get(str(tag_id))
        while tag is not None:
            names.insert(0, tag["name"])
            tag = self.by_id.get(str(tag["parent_id"])) if tag.get("parent_id") is not None else None
        return "/".join(names) or str(tag_id)

    def lineage(self, tag_id):
        """The tag and its ancestors below the category (what Connect adds with it)."""
        found, tag = [], self.by_id.get(tag_id)
        while tag is not None and tag.get("parent_id") is not None:
            found.append(str(tag["id"]))
            tag = self.by_id.get(str(tag["parent_id"]))
        return found

    def below(self, tag_id):
        """The tag and its descendants (what Connect removes with it)."""
        found, todo = set(), [tag_id]
        while todo:
            current = todo.pop()
            found.add(current)
            todo.extend(tid for tid, tag in self.by_id.items() if str(tag.get("parent_id")) == current)
        return found

    def read(self, engine, item):
        tags = item.current.get("tags")
        if tags is None:
            tags = self.client.get("v1/content/%s/tags" % item.current["guid"]) or []
        return sorted(str(tag["id"]) for tag in tags)

    def plan(self, engine, item, current, wanted):
        self.tree()
        ids = []
        for path in wanted["paths"]:
            tag_id = self.by_path.get(path)
            if tag_id is None:
                raise InputError("Option '%s': no tag %r on this server. Create it first with "
                                 "posit.connect.connect_tag (path: %r)." % (wanted["option"], path, path))
            if self.by_id[tag_id].get("parent_id") is None:
                raise InputError("Option '%s': %r is a tag category, and Connect adds only tags below a category "
                                 "to content. Name a tag under it, e.g. '%s/...'." % (wanted["option"], path, path))
            if tag_id not in ids:
                ids.append(tag_id)
        current = set(current or [])
        keep = set(tid for tag_id in ids for tid in self.lineage(tag_id))
        add = [tag_id for tag_id in ids if tag_id not in current]
        remove = []
        if wanted["purge"]:
            extra = current - keep
            remove = sorted(tid for tid in extra if str(self.by_id.get(tid, {}).get("parent_id")) not in extra)
        if not add and not remove:
            return None
        return dict(add=add, remove=remove)

    def end(self, current, wanted, operations):
        after = set(current or [])
        for tag_id in operations["add"]:
            after.update(self.lineage(tag_id))
        for tag_id in operations["remove"]:
            after -= self.below(tag_id)
        return sorted(after)

    def view(self, value):
        self.tree()
        return sorted(self.path(tag_id) for tag_id in value or [])

    def summary(self, operations):
        return dict(add=[self.path(t) for t in operations["add"]], remove=[self.path(t) for t in operations["remove"]])

    def apply(self, engine, item, operations):
        guid = _guid(item)
        for tag_id in operations["add"]:
            self.client.post("v1/content/%s/tags" % guid, body={"tag_id": tag_id})
        for tag_id in operations["remove"]:
            self.client.delete("v1/content/%s/tags/%s" % (guid, tag_id))


# -- vanity URL ------------------------------------------------------------------------------------------

def normalise_vanity(path):
    """A vanity path as Connect stores it: a leading and a trailing slash; "" stays "" (no vanity URL)."""
    path = (path or "").strip()
    return "" if not path else "/" + path.strip("/") + "/"


def check_vanity(path, option):
    """Raise InputError for a path Connect forbids (characters, the root, reserved prefixes)."""
    if path == "/" or not VANITY_RE.match(path):
        raise InputError("Option '%s': %r is not a vanity path Connect accepts: use letters, digits, '-', '_' and "
                         "'/', e.g. '/sales/' (and \"\" to remove the vanity URL)." % (option, path))
    lowered = path.lower()
    for prefix in RESERVED_VANITY_PREFIXES:
        if lowered.startswith(prefix + ("" if prefix == "/__" else "/")):
            raise InputError("Option '%s': %r starts with %r, a path Connect reserves for itself; choose another "
                             "path." % (option, path, prefix))


class VanityFacet(ContentFacet):
    """The vanity path ("/sales/"); "" removes it. A path another item holds needs force_vanity_url."""

    name = "vanity_url"
    flags = ("force_vanity_url",)

    def __init__(self, resource):
        super(VanityFacet, self).__init__(resource)
        self._vanities = False   # guid -> path from GET /v1/vanities; None when refused
        self.claimed = {}        # path -> the option of this task's item that takes it

    def prepare(self, value, option, flags):
        path = normalise_vanity(value)
        if path:
            check_vanity(path, option)
        return dict(path=path, option=option, force=flags["force_vanity_url"])

    def path_of(self, url):
        """The path of a vanity_url as GET /v1/content answers it (a URL under the server's root)."""
        if not url:
            return None
        path = urlsplit(url).path if "://" in url else url
        root = urlsplit(self.client.api_root).path[:-len("/__api__")]
        if root and path.startswith(root + "/"):
            path = path[len(root):]
        return normalise_vanity(path)

    def vanities(self):
        """Every vanity path by content guid (one GET /v1/vanities, administrators only), or None."""
        with self.lock:
            if self._vanities is False:
                try:
                    self._vanities = dict((v["content_guid"], normalise_vanity(v["path"]))
                                          for v in self.client.get("v1/vanities") or [])
                except ConnectError as exc:
                    if exc.status not in (401, 403):
                        raise
                    self._vanities = None
        return self._vanities

    def read(self, engine, item):
        guid = item.current["guid"]
        if "vanity_url" in item.current or self.included:
            return self.path_of(item.current.get("vanity_url"))
        if self.resource.listing is not None:
            vanities = self.vanities()
            if vanities is not None:
                return vanities.get(guid)
        found = self.client.get_or_none("v1/content/%s/vanity" % guid)
        return normalise_vanity(found.get("path")) if found else None

    def holders(self):
        """path -> (guid, name) of every item holding a vanity path, as far as this key can see."""
        listing = self.resource.listing
        if listing is not None and self.included:
            return dict((self.path_of(c["vanity_url"]), (c["guid"], c.get("name"))) for c in listing
                        if c.get("vanity_url"))
        vanities = self.vanities() or {}
        names = dict((c["guid"], c.get("name")) for c in listing or [])
        return dict((path, (guid, names.get(guid))) for guid, path in vanities.items())

    def plan(self, engine, item, current, wanted):
        path, option = wanted["path"], wanted["option"]
        if (current or "") == path:
            return None
        if not path:
            return dict(path="", force=False)
        mine = _guid(item)
        force = False
        for taken, (guid, name) in sorted(self.holders().items()):
            if guid == mine:
                continue
            if taken == path:
                if not wanted["force"]:
                    raise InputError("Option '%s': the vanity path %s is held by content %s (%s). Choose another "
                                     "path, or set force_vanity_url: true to move it to this item." % (option, path, guid, name))
                force = True
            elif taken.startswith(path) or path.startswith(taken):
                raise InputError("Option '%s': %s is %s of the vanity path %s of content %s (%s), and Connect refuses a "
                                 "vanity path that is an ancestor or descendant of another; choose another path."
                                 % (option, path, "an ancestor" if taken.startswith(path) else "a descendant", taken,
                                    guid, name))
        other = self.claimed.get(path)
        if other is not None:
            raise InputError("Option '%s': %s is also the vanity path of %s in this task; give each path to one item."
                             % (option, path, other))
        self.claimed[path] = option
        return dict(path=path, force=force)

    def end(self, current, wanted, operations):
        return operations["path"]

    def view(self, value):
        return value or ""

    def apply(self, engine, item, operations):
        guid = _guid(item)
        if not operations["path"]:
            self.client.delete("v1/content/%s/vanity" % guid)
        else:
            self.client.put("v1/content/%s/vanity" % guid, body=dict(path=operations["path"], force=operations["force"]))


# -- environment variables ---------------------------------------------------------------------------------

class EnvironmentFacet(ContentFacet):
    """Variables by name; Connect shows names only, so an existing name is sent only with overwrite_environment."""

    name = "environment"
    flags = ("overwrite_environment", "purge_environment")

    def prepare(self, value, option, flags):
        values = {}
        for name, text in value.items():
            if not isinstance(name, str) or not name.strip() or "=" in name:
                raise InputError("Option '%s': %r is not an environment variable name; use a non-empty name "
                                 "without '='." % (option, name))
            if text is not None and (isinstance(text, (bool, dict, list)) or not isinstance(text, (str, int, float))):
                # never the value itself in a message
                raise InputError("Option '%s.%s': give the value as a string (or null to remove the variable)."
                                 % (option, name))
            values[name] = None if text is None else str(text)
        return dict(values=values, option=option, overwrite=flags["overwrite_environment"],
                    purge=flags["purge_environment"])

    def read(self, engine, item):
        return sorted(self.client.get("v1/content/%s/environment" % item.current["guid"]) or [])

    def plan(self, engine, item, current, wanted):
        current, values = set(current or []), wanted["values"]
        send = sorted(n for n, v in values.items() if v is not None and (n not in current or wanted["overwrite"]))
        remove = set(n for n, v in values.items() if v is None and n in current)
        if wanted["purge"]:
            remove |= current - set(values)
        if not send and not remove:
            return None
        return dict(set=send, remove=sorted(remove))

    def end(self, current, wanted, operations):
        names = (set(current or []) - set(operations["remove"])) | set(operations["set"])
        return dict((n, MASK_SET if n in operations["set"] else MASK) for n in names)

    def view(self, value):
        if isinstance(value, dict):
            return value
        return dict((name, MASK) for name in value or [])

    def summary(self, operations):
        return dict(operations)  # names only

    def apply(self, engine, item, operations):
        values = item.facets[self.name]["values"]
        body = [dict(name=n, value=values[n]) for n in operations["set"]] + \
            [dict(name=n, value=None) for n in operations["remove"]]
        self.client.patch("v1/content/%s/environment" % _guid(item), body=body)


# -- permissions (the whole ACL) ---------------------------------------------------------------------------

class PermissionsFacet(ContentFacet):
    """ACL entries by principal; the same rules as connect_content_permission, checked before any write."""

    name = "permissions"
    flags = ("purge_permissions",)

    def __init__(self, resource):
        super(PermissionsFacet, self).__init__(resource)
        self.names = {}   # (principal_type, guid) -> username or group name, for diffs
        self.me = None

    def prepare(self, value, option, flags):
        seen = {}
        for index, entry in enumerate(value):
            where = "%s[%d]" % (option, index)
            if not isinstance(entry, dict) or not str(entry.get("principal") or "").strip():
                raise InputError("Option '%s.principal' must not be empty: give a username, group name or guid."
                                 % where)
            entry.setdefault("principal_type", "user")
            entry.setdefault("role", "viewer")
            key = (entry["principal_type"], entry["principal"].lower())
            if key in seen:
                raise InputError("Option '%s': %s %r is listed twice (also %s); list each principal once."
                                 % (where, entry["principal_type"], entry["principal"], seen[key]))
            seen[key] = where
        return dict(entries=value, option=option, purge=flags["purge_permissions"])

    def read(self, engine, item):
        return self.client.get("v1/content/%s/permissions" % item.current["guid"]) or []

    def owner_of(self, item):
        owner = item.desired.get("owner_guid") or (item.current or {}).get("owner_guid")
        if owner is None:  # created by the API key's user
            if self.me is None:
                self.me = current_user(self.client) or {}
            owner = self.me.get("guid")
        return owner

    def label(self, principal_type, guid):
        name = self.names.get((principal_type, guid))
        if name is None:
            try:
                found = self.resource.users.require_principal(guid, principal_type)
                name = found.get("username" if principal_type == "user" else "name")
            except (InputError, ConnectError):
                name = guid
            self.names[(principal_type, guid)] = name
        return name

    def plan(self, engine, item, current, wanted):
        owner, option = self.owner_of(item), wanted["option"]
        want = {}
        for index, entry in enumerate(wanted["entries"]):
            kind, where = entry["principal_type"], "%s[%d].principal" % (option, index)
            principal = self.resource.users.require_principal(entry["principal"], kind, where)
            name = principal.get("username" if kind == "user" else "name")
            self.names[(kind, principal["guid"])] = name
            label = "%s %r" % (kind, name)
            if kind == "user" and principal["guid"] == owner:
                raise InputError("Option '%s': %s owns content %s and always has full access; Connect does not allow "
                                 "the owner in the content's permissions. Leave the owner out of 'permissions'."
                                 % (where, label, _guid(item) or "(new)"))
            if kind == "user" and entry["role"] == "owner" and principal.get("user_role") == "viewer":
                raise InputError("Option '%s': %s is a viewer and cannot be a collaborator (role 'owner'). Use 'role: "
                                 "viewer', or make the user a publisher first." % (option + "[%d].role" % index, label))
            if (kind, principal["guid"]) in want:
                raise InputError("Option '%s': %s is listed twice; list each principal once." % (where, label))
            want[(kind, principal["guid"])] = entry["role"]
        have = dict(((e["principal_type"], e["principal_guid"]), e) for e in current or [])
        add = [dict(principal_type=k, principal_guid=g, role=r) for (k, g), r in want.items() if (k, g) not in have]
        update = [dict(have[key], role=role) for key, role in want.items() if key in have and have[key]["role"] != role]
        remove = []
        if wanted["purge"]:
            remove = [entry for key, entry in have.items() if key not in want
                      and not (key[0] == "user" and key[1] == owner)]
        if not add and not update and not remove:
            return None
        return dict(add=add, update=update, remove=remove)

    def end(self, current, wanted, operations):
        gone = set(e["id"] for e in operations["remove"])
        changed = dict((e["id"], e["role"]) for e in operations["update"])
        after = [dict(e, role=changed.get(e["id"], e["role"])) for e in current or [] if e["id"] not in gone]
        return after + operations["add"]

    def entry_view(self, entry, role=True):
        shown = dict(principal=self.label(entry["principal_type"], entry["principal_guid"]),
                     principal_type=entry["principal_type"])
        if role:
            shown["role"] = entry["role"]
        return shown

    def view(self, value):
        return sorted((self.entry_view(e) for e in value or []),
                      key=lambda e: (e["principal_type"] != "user", e["principal"], e["role"]))

    def summary(self, operations):
        return dict(add=[self.entry_view(e) for e in operations["add"]],
                    update=[self.entry_view(e) for e in operations["update"]],
                    remove=[self.entry_view(e, role=False) for e in operations["remove"]])

    def apply(self, engine, item, operations):
        base = "v1/content/%s/permissions" % _guid(item)
        for entry in operations["remove"]:
            self.client.delete("%s/%s" % (base, entry["id"]))
        for entry in operations["update"]:
            self.client.put("%s/%s" % (base, entry["id"]), body=dict(
                principal_guid=entry["principal_guid"], principal_type=entry["principal_type"], role=entry["role"]))
        for entry in operations["add"]:
            self.client.post(base, body=entry)
