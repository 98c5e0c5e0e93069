# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_content's oauth_integrations facet: the OAuth integrations an item is associated with."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.integrations import (
    MULTIPLE_SINCE,
    content_associations,
    list_integrations,
    server_version,
    version_text,
)
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import is_guid
from ansible_collections.posit.connect.plugins.module_utils.resources.content_facets import ContentFacet, item_guid


class OAuthIntegrationsFacet(ContentFacet):
    """Integration names (or guids); the item ends with at least these (purge_oauth_integrations: exactly these).

    Connect's PUT replaces the item's whole list, so the union of current and declared is sent (the declared when
    purging), and nothing when the set does not change. Read per item (GET .../oauth/integrations/associations)."""

    name = "oauth_integrations"
    flags = ("purge_oauth_integrations",)

    def __init__(self, resource):
        super(OAuthIntegrationsFacet, self).__init__(resource)
        self.by_guid = None

    def prepare(self, value, option, flags):
        for index, entry in enumerate(value):
            if not str(entry or "").strip():
                raise InputError("Option '%s[%d]' must not be empty: give an OAuth integration's name or guid."
                                 % (option, index))
        return dict(names=list(value), option=option, purge=flags["purge_oauth_integrations"])

    def catalog(self):
        """Every integration, read once (after the version gate)."""
        with self.lock:
            if self.by_guid is None:
                self.by_guid = dict((i.get("guid"), i) for i in list_integrations(self.client))
        return self.by_guid

    def find(self, wanted, value):
        catalog = self.catalog()
        if is_guid(value) and value.lower() in catalog:
            return value.lower()
        named = [guid for guid, i in catalog.items() if i.get("name") == value]
        if len(named) != 1:
            raise InputError("Option '%s': %s OAuth integration is named %r; %s" % (
                wanted["option"], "more than one" if named else "no", value,
                "give its guid instead." if named else "create it first with posit.connect.connect_oauth_integration."))
        return named[0]

    def read(self, engine, item):
        self.catalog()  # the version gate before the first read of an item's associations
        return content_associations(self.client, item.current["guid"])

    def plan(self, engine, item, current, wanted):
        declared = []
        for value in wanted["names"]:
            guid = self.find(wanted, value)
            if guid not in declared:
                declared.append(guid)
        current = list(current or [])
        end = declared if wanted["purge"] else current + [g for g in declared if g not in current]
        if set(end) == set(current):
            return None
        version = self.client.version()
        if len(end) > 1 and version is not None and version < MULTIPLE_SINCE:
            raise InputError("Option '%s': this Connect server (%s) associates at most one OAuth integration with a "
                             "content item; Connect takes several from %s. The item would have %s."
                             % (wanted["option"], server_version(self.client), version_text(MULTIPLE_SINCE),
                                ", ".join(repr(n) for n in self.view(end))))
        return dict(send=end, add=[g for g in end if g not in current], remove=[g for g in current if g not in end])

    def end(self, current, wanted, operations):
        return operations["send"]

    def view(self, value):
        catalog = self.by_guid or {}
        if isinstance(value, dict):
            value = value["names"]
        return sorted((catalog.get(guid) or {}).get("name") or guid for guid in value or [])

    def summary(self, operations):
        return dict(add=self.view(operations["add"]), remove=self.view(operations["remove"]))

    def apply(self, engine, item, operations):
        self.client.put("v1/content/%s/oauth/integrations/associations" % item_guid(item),
                        body=[dict(oauth_integration_guid=guid) for guid in operations["send"]])
