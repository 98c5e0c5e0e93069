# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_content's resource: content items, selected by guid, by name or as everything one user owns.

Reads: the single form reads its one item (GET /v1/content/{guid}, or the
listing by name); a batch reads every item with one GET /v1/content (or
?owner_guid= for owned_by). Writes: PATCH, POST (then one PATCH for the fields
POST does not take) and DELETE. Before any write it refuses what Connect would:
an owner who may not own content, a field this server's content object lacks,
min_processes above max_processes, and a name the new owner already uses.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.concepts.content_fields import (
    check_guid,
    check_name,
    check_process_limits,
    desired_fields,
    field_argument_spec,
)
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import (
    get_content,
    list_content,
    pick_by_name,
)
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Resource, same
from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.fields import CREATABLE_FIELDS
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import UserCache, current_user
from ansible_collections.posit.connect.plugins.module_utils.engine.module import batch_form
from ansible_collections.posit.connect.plugins.module_utils.resources.content_facets import (
    facet_argument_spec,
    listing_include,
    prepare_facets,
)
from ansible_collections.posit.connect.plugins.module_utils.resources.facet_environment import EnvironmentFacet
from ansible_collections.posit.connect.plugins.module_utils.resources.facet_oauth import OAuthIntegrationsFacet
from ansible_collections.posit.connect.plugins.module_utils.resources.facet_permissions import PermissionsFacet
from ansible_collections.posit.connect.plugins.module_utils.resources.facet_tags import TagsFacet
from ansible_collections.posit.connect.plugins.module_utils.resources.facet_vanity import VanityFacet


STATES = ["present", "absent"]


class PartlyCreatedError(ConnectError):
    """The item was created, but the PATCH that followed failed; `result` holds the created item."""


class ContentResource(Resource):
    kind = "content"
    identifying = ("guid", "name", "title", "owner_guid", "app_mode")
    noun = "content items"
    result_key = "content"
    item_attributes = dict(matched=False,  # the item selected an existing object (the batch's `matched` count)
                           clash=None)     # the item another one's name clashes with, for its result entry

    def __init__(self, engine, top):
        super(ContentResource, self).__init__(engine, top)
        self.users = UserCache(self.client)
        self.facets = (TagsFacet(self), VanityFacet(self), EnvironmentFacet(self), PermissionsFacet(self),
                       OAuthIntegrationsFacet(self))
        self.top_desired = None
        self.owned_by = None        # the user whose content owned_by selects
        self.new_owner = None       # the top-level owner, checked once for every item
        self.listing = None         # the batch's one GET /v1/content
        self.by_guid = {}
        self.by_name = {}
        self.names_of_owner = {}    # owner guid -> {name: item}, read once per owner for the name-clash check
        self.claimed = {}           # (owner guid, name) -> the item of this task that takes it

    @classmethod
    def argument_form(cls):
        """connect_content's options: the single form, `items`, and `owned_by` (everything one user owns)."""
        form = batch_form(
            dict(field_argument_spec(), guid=dict(type="str"), name=dict(type="str"),
                 state=dict(type="str", choices=STATES), **facet_argument_spec(item=True)),
            ("guid", "name"),
            top_level=dict(facet_argument_spec(), state=dict(type="str", choices=STATES, default="present"),
                           owned_by=dict(type="str")),
        )
        form["required_one_of"][0].append("owned_by")  # the batch of everything one user owns
        form["mutually_exclusive"] += [["owned_by", "guid"], ["owned_by", "name"]]
        return form

    # -- input -----------------------------------------------------------------

    def prepare(self, item):
        spec, where = item.spec, item.where
        guid = check_guid(spec.get("guid"), where + "guid")
        if item.index is None:
            item.desired = desired_fields(spec)
        else:
            item.desired = dict(self.top_fields())
            item.desired.update(desired_fields(spec, where))
            check_process_limits({}, item.desired, "Option '%s': " % where[:-1])
        if guid is not None and spec.get("name") is not None:
            check_name(spec["name"], where + "name")
            item.desired["name"] = spec["name"]  # with a guid, name is the name to give the item
        item.guid, item.name = guid, spec.get("name")
        prepare_facets(self, item)

    def top_fields(self):
        """The fields set at the top level of a batch, checked once for every item."""
        if self.top_desired is None:
            self.top_desired = desired_fields(self.top)
            check_process_limits({}, self.top_desired)
        return self.top_desired

    def prepare_all(self, items):
        if items and items[0].index is None:
            return items
        if self.top.get("owned_by") is not None:
            self.owned_by = self.users.require_user(self.top["owned_by"], "owned_by")
        # every owner the items name, so that many of them are read in the fewest requests
        self.users.expect("user", [item.desired.get("owner_guid") for item in items])
        owner = self.top_fields().get("owner_guid")
        if owner is not None and (self.owned_by is not None or any(item.state == "present" for item in items)):
            self.new_owner = self.users.require_owner(owner)  # a bad owner for every item fails before any read
        params = {"owner_guid": self.owned_by["guid"]} if self.owned_by else {}
        include = listing_include(self, items)
        if include:
            params["include"] = ",".join(include)
        # Each listed item keeps only what the batch reads: the fields that name it, the fields any item sets (a field
        # this server's items lack stays absent, for check()), both process limits (checked together) and what the
        # facets read of it. The batch returns result entries, never the listed objects.
        keys = set(self.identifying) | {"min_processes", "max_processes"} | set(self.top_fields())
        keys.update(field for facet in self.facets for field in facet.listed)
        for item in items:
            keys.update(item.desired)
        self.listing = self.client.get_list("v1/content", params=params or None, keys=keys) or []
        self.by_guid = dict((c.get("guid", "").lower(), c) for c in self.listing)
        for content in self.listing:
            self.by_name.setdefault(content.get("name"), []).append(content)
        if self.owned_by is not None and self.top.get("items") is None:
            # owned_by alone: one item for everything the user owns
            items = [self.engine.item(index, dict(guid=c["guid"])) for index, c in enumerate(self.listing)]
            for item in items:
                self.prepare(item)
        return items

    def resolve(self, item):
        if item.state == "present" and item.desired.get("owner_guid") is not None:
            item.desired["owner_guid"] = self.users.require_owner(item.desired["owner_guid"],
                                                                  item.where + "owner")["guid"]

    # -- reads -------------------------------------------------------------------

    def read(self, items):
        for item in items:
            guid, name = item.guid, item.name
            try:
                item.current = self._find(item, guid, name)
            except (InputError, ConnectError) as exc:
                item.fail(exc)
                continue
            if self.owned_by is not None and item.current is None:
                item.skip("skipped: not owned by %s" % self.owned_by.get("username"))
            if item.current is not None:
                item.matched = True

    def _find(self, item, guid, name):
        if self.listing is None:  # the single form
            if guid is not None:
                return get_content(self.client, guid)
            matches = list_content(self.client, name=name, include=["owner"])
        else:
            if guid is not None:
                return self.by_guid.get(guid)
            matches = self.by_name.get(name, [])
        owner_guid = item.desired.get("owner_guid")
        if item.state == "absent" and owner_guid is not None:
            # names are unique per owner: with an owner, the name selects among that owner's items only (the
            # owner may since have been locked or made a viewer: any user will do)
            owner_guid = self.users.require_user(owner_guid, item.where + "owner")["guid"]
            matches = [c for c in matches if c.get("owner_guid") == owner_guid]
        found = pick_by_name(matches, name, owner_guid, item.where)
        if found is not None and "owner" in found:
            found = dict(found)
            found.pop("owner")  # added by include=owner; not a field of the item
        return found

    def key(self, item):
        if item.current is not None:
            return item.current["guid"]
        return "name:%s" % item.name if item.guid is None else item.guid

    # -- plan ----------------------------------------------------------------------

    def missing(self, item):
        guid, name = item.guid, item.name
        if guid is not None:
            if item.index is None:
                raise InputError("Option 'guid': no content with guid %s. To create an item, give 'name' "
                                 "without 'guid'." % guid)
            raise InputError("no content with guid %s" % guid)
        check_name(name, item.where + "name")
        item.desired["name"] = name

    def check(self, item, changes):
        current = item.current
        if current is not None:
            unknown = sorted(field for field in changes if field in item.desired and field not in current)
            if unknown:
                raise InputError(
                    "Option '%ssettings': %s %s not a field of this server's content items (Connect %s), so it "
                    "cannot be set here; remove it, or upgrade Connect." % (
                        item.where, ", ".join(unknown), "is" if len(unknown) == 1 else "are",
                        self.server_version()))
            check_process_limits(current, item.desired, item.where and "%s: " % item.where[:-1])
        self._check_name_clash(item, changes)

    def server_version(self):
        try:
            return self.client.server_settings().get("version") or "version hidden"
        except ConnectError:
            return "version unknown"

    def _check_name_clash(self, item, changes):
        """Names are unique per owner: refuse a move or rename onto a name the owner already uses (409)."""
        current = item.current or {}
        if item.status == "created" or not ({"owner_guid", "name"} & set(changes)):
            return
        owner = changes.get("owner_guid", current.get("owner_guid"))
        name = changes.get("name", current.get("name"))
        if owner not in self.names_of_owner:
            # The batch's listing of all content already holds the owner's items; otherwise one read, of which each
            # item keeps its guid and name alone (the new owner of a handoff may own most of the server).
            owned = [c for c in self.listing if c.get("owner_guid") == owner] \
                if self.listing is not None and self.owned_by is None else \
                self.client.get_list("v1/content", params={"owner_guid": owner}, keys=("guid", "name")) or []
            self.names_of_owner[owner] = dict((c.get("name"), c) for c in owned)
        other = self.names_of_owner[owner].get(name)
        if other is not None and other.get("guid") == current.get("guid"):
            other = None
        taken_by = self.claimed.get((owner, name))
        if other is None and taken_by is None:
            self.claimed[(owner, name)] = item.where.rstrip(".") or "this task"
            return
        clash = "an item named %r (%s)" % (name, other.get("guid")) if other else \
            "the item that %s moves there, also named %r" % (taken_by, name)
        item.clash = dict(guid=other.get("guid"), name=name) if other else dict(guid=None, name=name)
        raise InputError(
            "content %s cannot %s: %s already owns %s, and Connect refuses two items of one name per owner "
            "(409 DuplicateName). Rename one of them (set 'name'), or leave this item out."
            % (describe(current), "move to %s" % self.users.name_of(owner) if "owner_guid" in changes
               else "be renamed to %r" % name, self.users.name_of(owner) or owner, clash))

    # -- diff and results ---------------------------------------------------------------

    def header(self, item):
        current = item.current or {}
        return "content %r (%s)" % (current.get("name") or item.name, current.get("guid") or "new")

    def identity(self, item):
        current = item.current or {}
        entry = dict(guid=current.get("guid") or item.guid, name=current.get("name") or item.name,
                     title=current.get("title"))
        if item.current is None and item.result:  # created (perhaps partly)
            entry.update(guid=item.result.get("guid"), title=item.result.get("title"))
        if item.clash:
            entry["clash"] = item.clash
        return entry

    # -- writes ----------------------------------------------------------------------------

    def update(self, item, changes):
        return self.client.patch("v1/content/%s" % item.current["guid"], body=changes)

    def delete(self, item):
        self.client.delete("v1/content/%s" % item.current["guid"])

    def create(self, item):
        """POST the creatable fields, then at most one PATCH for the rest.

        A POST whose response was lost (connection error, timeout, 5xx) is never
        repeated: the item is looked up by name first.
        """
        desired, name = item.desired, item.desired["name"]
        body = dict((f, v) for f, v in desired.items() if f in CREATABLE_FIELDS and v is not None)
        body["name"] = name
        try:
            created = self.client.post("v1/content", body=body)
        except ConnectError as exc:
            if exc.status is not None and exc.status < 500:
                raise
            created = self._find_after_lost_create(name, exc)
        patch = dict((f, v) for f, v in desired.items() if not same(created.get(f), v))
        if patch:
            try:
                created = self.client.patch("v1/content/%s" % created["guid"], body=patch) or dict(created, **patch)
            except ConnectError as exc:
                error = PartlyCreatedError(
                    "Created content %s but could not then set %s: %s" % (describe(created), ", ".join(sorted(patch)),
                                                                          exc.message),
                    method=exc.method, path=exc.path, status=exc.status, code=exc.code, payload=exc.payload)
                error.result = created
                raise error
        return created

    def _find_after_lost_create(self, name, exc):
        def lost(text):
            return ConnectError("%s. %s" % (exc.message, text), method=exc.method, path=exc.path, status=exc.status,
                                code=exc.code)
        try:
            matches = list_content(self.client, name=name)
            if len(matches) > 1:
                me = current_user(self.client) or {}
                matches = [c for c in matches if c.get("owner_guid") == me.get("guid")]
        except ConnectError as lookup:
            raise lost("Whether content %r was created is unknown (looking it up failed too: %s); check Connect "
                       "before re-running." % (name, lookup.message))
        if len(matches) == 1:
            self.engine.warn("The response to creating content %r was lost (%s); found the created item %s."
                             % (name, exc.message, matches[0].get("guid")))
            return matches[0]
        if not matches:
            raise lost("No content named %r exists, so nothing was created; re-run to create it." % name)
        raise lost("Several items named %r now exist (%s); check which one to keep."
                   % (name, ", ".join(c.get("guid") for c in matches)))

    # -- the batch result's extras ---------------------------------------------------------

    def batch_extras(self, items):
        extras = dict(matched=sum(1 for item in items if item.matched))
        if self.owned_by is not None:
            extras["owned_by"] = dict(guid=self.owned_by.get("guid"), username=self.owned_by.get("username"))
        if self.new_owner is not None:
            extras["owner"] = dict(guid=self.new_owner.get("guid"), username=self.new_owner.get("username"))
        return extras


def describe(content):
    """'guid (name)' for messages."""
    return "%s (%s)" % (content.get("guid"), content.get("name"))
