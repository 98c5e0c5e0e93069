# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_content_permission's resource: one principal's entry in a content item's ACL.

prepare checks the input (an item's own option, else the task's: option()), resolve looks the content and
the principal up (UserCache: once per task), read_one reads the item's ACL, `desired` holds the managed
field (role), create/update/delete write. The batch form (`items`, the top-level options applying to every
item) lists the content once, then reads every item's ACL concurrently. `all_content` (with principal and
state=absent) makes that batch every listed item the principal does not own (an owner is never in an ACL).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.concepts.acl import entry_view, find_entries, refused_entry
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import list_content, require_content
from ansible_collections.posit.connect.plugins.module_utils.engine.module import batch_form
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Resource
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import check_guid
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import UserCache

LISTED_KEYS = ("guid", "name", "owner_guid")  # what this resource reads of a listed item (resolve, identity, header)


class PermissionResource(Resource):
    kind = "ACL entry"
    result_key = "permission"
    item_attributes = dict(principal_type=None,  # "user" or "group" (the item's own, else the task's)
                           content=None,         # the content item, as listed or read (resolve)
                           principal=None,       # the user or group (resolve)
                           label=None,           # "user 'alice'", for messages and diffs
                           entries=None)         # the principal's entries in the ACL as read (deleted together)

    def __init__(self, engine, top):
        super(PermissionResource, self).__init__(engine, top)
        self.listing = None         # the batch's content by guid (one GET /v1/content)
        self.users = UserCache(self.client)

    @classmethod
    def argument_form(cls):
        """connect_content_permission's options: every option may be given at the top level for all items (content
        and principal too: no single-form keys), and `all_content`."""
        form = batch_form(
            dict(content=dict(type="str"),
                 principal=dict(type="str"),
                 principal_type=dict(type="str", choices=["user", "group"]),
                 role=dict(type="str", choices=["viewer", "owner"]),
                 state=dict(type="str", choices=["present", "absent"])),
            keys=(),
            top_level=dict(principal_type=dict(type="str", choices=["user", "group"], default="user"),
                           role=dict(type="str", choices=["viewer", "owner"], default="viewer"),
                           state=dict(type="str", choices=["present", "absent"], default="present")))
        form["argument_spec"]["all_content"] = dict(type="bool", default=False)
        form["required_one_of"] = [["content", "items", "all_content"], ["principal", "items"]]
        return form

    def prepare(self, item):
        for option in ("content", "principal"):
            if not (self.option(item, option) or "").strip():
                raise InputError("Option '%s%s' must not be empty: give %s." % (
                    item.where, option, "a content guid" if option == "content" else "a username, group name or guid"))
        check_guid(self.option(item, "content"), item.where + "content", "content")
        item.principal_type = self.option(item, "principal_type")
        item.desired = dict(role=self.option(item, "role"))

    def prepare_all(self, items):
        if self.top.get("all_content"):
            return self.every_item()
        if items and items[0].index is not None:
            self.listing = dict((c.get("guid"), c) for c in list_content(self.client, keys=LISTED_KEYS))
        return items

    def every_item(self):
        """all_content: one item per listed content item the principal does not own, each removing its entries."""
        if self.top.get("content") is not None or self.top.get("items") is not None:
            raise InputError("Option 'all_content' selects every content item: leave out 'content' and 'items'.")
        if self.top.get("state") != "absent":
            raise InputError("Option 'all_content' only removes access: set 'state: absent' (to grant access, "
                             "list the items in 'items').")
        principal = self.top.get("principal")
        if not (principal or "").strip():
            raise InputError("Option 'principal' must not be empty with 'all_content': give a username, group "
                             "name or guid.")
        found = self.users.require_principal(principal, self.top["principal_type"])  # an unknown one fails the task
        content = list_content(self.client, keys=LISTED_KEYS)
        self.listing = dict((c.get("guid"), c) for c in content)
        owned = found["guid"] if self.top["principal_type"] == "user" else None
        items = [self.engine.item(index, dict(content=c["guid"])) for index, c in
                 enumerate(c for c in content if c.get("guid") and c.get("owner_guid") != owned)]
        for item in items:
            self.prepare(item)
        return items

    def resolve(self, item):
        kind, guid = item.principal_type, self.option(item, "content")
        if self.listing is None:
            content = require_content(self.client, guid)
        else:
            content = self.listing.get(guid.lower())
            if content is None:
                raise InputError("Option '%scontent': no content item with guid %r (or the API key's user cannot "
                                 "see it)." % (item.where, guid))
        principal = self.users.require_principal(self.option(item, "principal"), kind, item.where + "principal")
        label = "%s %r" % (kind, principal.get("username") if kind == "user" else principal.get("name"))
        item.content, item.principal, item.label = content, principal, label
        refused = refused_entry(principal, kind, item.desired["role"] if item.state == "present" else None,
                                content.get("owner_guid"), content["guid"], label)
        if refused is not None:
            rule, sentence = refused
            raise InputError("Option '%s': %s%s" % ("principal" if rule == "owner" else "role", sentence,
                                                    " To change the owner use posit.connect.connect_content's 'owner'."
                                                    if rule == "owner" else ""))

    def key(self, item):
        return (item.content["guid"], item.principal["guid"], item.principal_type)

    def identity(self, item):
        return dict(guid=item.content["guid"], name=item.content.get("name"),
                    principal=item.label) if item.label is not None else dict(guid=self.option(item, "content"))

    def view(self, item, values, side):
        if "principal_guid" in values:  # the whole entry (a deleted one): its principal's name beside the guid
            values = dict(values, principal=self.principal_name(item))
        return values

    def header(self, item):
        content = item.content
        return "content %r (%s): %s" % (content.get("name"), content.get("guid"), item.label)

    def principal_name(self, item):
        return item.principal.get("username" if item.principal_type == "user" else "name")

    def read_one(self, item):
        entries = find_entries(self.client.get(self.path(item)), item.principal["guid"], item.principal_type)
        item.entries = entries
        return entries[0] if entries else None

    def path(self, item, entry=None):
        base = "v1/content/%s/permissions" % item.content["guid"]
        return base if entry is None else "%s/%s" % (base, entry["id"])

    def body(self, item):
        return dict(principal_guid=item.principal["guid"], principal_type=item.principal_type,
                    role=item.desired["role"])

    def predict(self, item):
        if item.status == "deleted":
            return None
        if item.status == "created":
            return dict(id=None, content_guid=item.content["guid"], **self.body(item))
        return dict(item.current, role=item.desired["role"])

    def create(self, item):
        return self.client.post(self.path(item), body=self.body(item))

    def update(self, item, changes):
        return self.client.put(self.path(item, item.current), body=self.body(item))

    def delete(self, item):
        for entry in item.entries:
            self.client.delete(self.path(item, entry))

    def outcome(self, item):
        return item.result if item.status != "deleted" else None

    def diff(self, item):
        """The whole entry (principal and role) before and after, under a header naming both."""
        name = self.principal_name(item)
        header = self.header(item)
        return dict(before=entry_view(item.current, name), after=entry_view(item.result, name),
                    before_header=header, after_header=header)
