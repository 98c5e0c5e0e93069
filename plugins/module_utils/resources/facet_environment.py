# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_content's environment facet: variable names only; values are sent, never shown."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.resources.content_facets import ContentFacet, item_guid

MASK = "********"
MASK_SET = "******** (value sent)"


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
        self.client.patch("v1/content/%s/environment" % item_guid(item), body=body)
