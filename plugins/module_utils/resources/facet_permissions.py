# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_content's permissions facet: the item's whole ACL."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.acl import refused_entry
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import current_user
from ansible_collections.posit.connect.plugins.module_utils.resources.content_facets import ContentFacet, item_guid


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
            # Every principal the batch names, so that they are read in the fewest requests (principals.UserCache)
            self.resource.users.expect(entry["principal_type"], [entry["principal"]])
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
            refused = refused_entry(principal, kind, entry["role"], owner, item_guid(item) or "(new)", label)
            if refused is not None:
                rule, sentence = refused
                raise InputError("Option '%s': %s%s" % (where if rule == "owner" else option + "[%d].role" % index,
                                                        sentence, " Leave the owner out of 'permissions'."
                                                        if rule == "owner" else ""))
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
        for entry in value or []:  # the names of the ACL's principals, read in the fewest requests
            if (entry["principal_type"], entry["principal_guid"]) not in self.names:
                self.resource.users.expect(entry["principal_type"], [entry["principal_guid"]])
        return sorted((self.entry_view(e) for e in value or []),
                      key=lambda e: (e["principal_type"] != "user", e["principal"], e["role"]))

    def summary(self, operations):
        return dict(add=[self.entry_view(e) for e in operations["add"]],
                    update=[self.entry_view(e) for e in operations["update"]],
                    remove=[self.entry_view(e, role=False) for e in operations["remove"]])

    def apply(self, engine, item, operations):
        base = "v1/content/%s/permissions" % item_guid(item)
        for entry in operations["remove"]:
            self.client.delete("%s/%s" % (base, entry["id"]))
        for entry in operations["update"]:
            self.client.put("%s/%s" % (base, entry["id"]), body=dict(
                principal_guid=entry["principal_guid"], principal_type=entry["principal_type"], role=entry["role"]))
        for entry in operations["add"]:
            self.client.post(base, body=entry)
