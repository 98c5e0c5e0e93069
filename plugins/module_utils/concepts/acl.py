# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Content access control lists: the entries of /v1/content/{guid}/permissions."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def find_entries(acl, principal_guid, principal_type):
    """The ACL entries of one principal (Connect keeps at most one)."""
    return [entry for entry in acl or []
            if entry.get("principal_guid") == principal_guid
            and entry.get("principal_type") == principal_type]


def entry_view(entry, name):
    """The managed fields of one ACL entry, for diffs; {} when there is none."""
    if not entry:
        return {}
    return dict(principal_type=entry.get("principal_type"), principal_guid=entry.get("principal_guid"),
                principal=name, role=entry.get("role"))
