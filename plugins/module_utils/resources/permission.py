# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_content_permission's resource: one principal's entry in a content item's ACL.

The smallest complete resource, and the one to copy for the next module:
prepare checks the input, resolve looks up names, read_one reads, `desired`
holds the managed field (role), create/update/delete write. The batch form
(`items`, the top-level options applying to every item) lists the content once
and looks each principal up once, then reads every item's ACL concurrently.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.concepts.acl import entry_view, find_entries
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import list_content, require_content
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Resource
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import check_guid
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import require_principal


class PermissionResource(Resource):
    kind = "ACL entry"
    result_key = "permission"
    OPTIONS = ("content", "principal", "principal_type", "role", "state")

    def __init__(self, engine, top):
        super(PermissionResource, self).__init__(engine, top)
        self.listing = None         # the batch's content by guid (one GET /v1/content)
        self.principals = {}        # (principal, type) -> the user or group, or the InputError, once per task

    def prepare(self, item):
        if item.index is not None:  # an item's own value, else the task's
            item.spec = dict((k, self.top.get(k) if item.spec.get(k) is None else item.spec[k]) for k in self.OPTIONS)
        for option in ("content", "principal"):
            if not (item.spec[option] or "").strip():
                raise InputError("Option '%s%s' must not be empty: give %s." % (
                    item.where, option, "a content guid" if option == "content" else "a username, group name or guid"))
        check_guid(item.spec["content"], item.where + "content", "content")
        item.desired = dict(role=item.spec["role"])

    def prepare_all(self, items):
        if items and items[0].index is not None:
            self.listing = dict((c.get("guid"), c) for c in list_content(self.client))
        return items

    def principal(self, item):
        key = (item.spec["principal"], item.spec["principal_type"])
        if key not in self.principals:
            try:
                self.principals[key] = require_principal(self.client, key[0], key[1], item.where + "principal")
            except InputError as exc:
                self.principals[key] = exc
        if isinstance(self.principals[key], InputError):
            raise self.principals[key]
        return self.principals[key]

    def resolve(self, item):
        spec, kind = item.spec, item.spec["principal_type"]
        if self.listing is None:
            content = require_content(self.client, spec["content"])
        else:
            content = self.listing.get(spec["content"].lower())
            if content is None:
                raise InputError("Option '%scontent': no content item with guid %r (or the API key's user cannot "
                                 "see it)." % (item.where, spec["content"]))
        principal = self.principal(item)
        label = "%s %r" % (kind, principal.get("username") if kind == "user" else principal.get("name"))
        item.context.update(content=content, principal=principal, label=label)
        if kind == "user" and principal.get("guid") == content.get("owner_guid"):
            raise InputError(
                "Option 'principal': %s owns content %s and always has full access; Connect does not allow the "
                "owner in the content's permissions. To change the owner use posit.connect.connect_content's "
                "'owner'." % (label, content["guid"]))
        if kind == "user" and item.state == "present" and spec["role"] == "owner" \
                and principal.get("user_role") == "viewer":
            raise InputError(
                "Option 'role': %s is a viewer and cannot be a collaborator (role 'owner') of content %s. Use "
                "'role: viewer', or make the user a publisher first." % (label, content["guid"]))

    def key(self, item):
        return (item.context["content"]["guid"], item.context["principal"]["guid"], item.spec["principal_type"])

    def identity(self, item):
        return dict(guid=item.context["content"]["guid"], name=item.context["content"].get("name"),
                    principal=item.context["label"]) if "label" in item.context else dict(guid=item.spec["content"])

    def view(self, item, values, side):
        if "principal_guid" in values:  # the whole entry (a deleted one): its principal's name beside the guid
            principal = item.context["principal"]
            values = dict(values, principal=principal.get("username" if item.spec["principal_type"] == "user" else "name"))
        return values

    def header(self, item):
        content = item.context["content"]
        return "content %r (%s): %s" % (content.get("name"), content.get("guid"), item.context["label"])

    def read_one(self, item):
        entries = find_entries(self.client.get(self.path(item)), item.context["principal"]["guid"],
                               item.spec["principal_type"])
        item.context["entries"] = entries
        return entries[0] if entries else None

    def path(self, item, entry=None):
        base = "v1/content/%s/permissions" % item.context["content"]["guid"]
        return base if entry is None else "%s/%s" % (base, entry["id"])

    def body(self, item):
        return dict(principal_guid=item.context["principal"]["guid"], principal_type=item.spec["principal_type"],
                    role=item.spec["role"])

    def predict(self, item):
        if item.status == "deleted":
            return None
        if item.status == "created":
            return dict(id=None, content_guid=item.context["content"]["guid"], **self.body(item))
        return dict(item.current, role=item.spec["role"])

    def create(self, item):
        return self.client.post(self.path(item), body=self.body(item))

    def update(self, item, changes):
        return self.client.put(self.path(item, item.current), body=self.body(item))

    def delete(self, item):
        for entry in item.context["entries"]:
            self.client.delete(self.path(item, entry))

    def outcome(self, item):
        return item.result if item.status != "deleted" else None

    def diff(self, item):
        """The whole entry (principal and role) before and after, under a header naming both."""
        name = item.context["principal"].get("username" if item.spec["principal_type"] == "user" else "name")
        header = self.header(item)
        return dict(before=entry_view(item.current, name), after=entry_view(item.result, name),
                    before_header=header, after_header=header)
