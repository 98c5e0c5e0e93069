# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_content_permission's resource: one principal's entry in a content item's ACL.

The smallest complete resource, and the one to copy for the next module:
prepare checks the input, resolve looks up names, read_one reads, `desired`
holds the managed field (role), create/update/delete write.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.acl import entry_view, find_entries
from ansible_collections.posit.connect.plugins.module_utils.content import require_content
from ansible_collections.posit.connect.plugins.module_utils.engine import Resource
from ansible_collections.posit.connect.plugins.module_utils.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.inputs import check_guid
from ansible_collections.posit.connect.plugins.module_utils.principals import require_principal


class PermissionResource(Resource):
    kind = "ACL entry"
    result_key = "permission"

    def prepare(self, item):
        if not item.spec["principal"].strip():
            raise InputError("Option 'principal' must not be empty: give a username, group name or guid.")
        check_guid(item.spec["content"], "content", "content")
        item.desired = dict(role=item.spec["role"])

    def resolve(self, item):
        spec, kind = item.spec, item.spec["principal_type"]
        content = require_content(self.client, spec["content"])
        principal = require_principal(self.client, spec["principal"], kind)
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
        header = "%s: %s" % (item.context["content"]["guid"], item.context["label"])
        return dict(before=entry_view(item.current, name), after=entry_view(item.result, name),
                    before_header=header, after_header=header)
