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


def refused_entry(principal, principal_type, role, owner_guid, content_guid, label):
    """Which of Connect's ACL rules an entry (principal as read, role or None) would break, or None.

    Returns (rule, sentence): "owner" when the principal owns the content (the owner always has full access
    and is never in the ACL: the caller says how to change the owner), "viewer" when a user whose role is
    viewer would be a collaborator (role owner, which Connect refuses: InvalidCollaborator).
    label names the principal in the sentence ("user 'alice'")."""
    if principal_type != "user":
        return None
    if principal.get("guid") == owner_guid:
        return "owner", ("%s owns content %s and always has full access; Connect does not allow the owner in the "
                         "content's permissions." % (label, content_guid))
    if role == "owner" and principal.get("user_role") == "viewer":
        return "viewer", ("%s is a viewer and cannot be a collaborator (role 'owner') of content %s. Use 'role: "
                          "viewer', or make the user a publisher first." % (label, content_guid))
    return None
