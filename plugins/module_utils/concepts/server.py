# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a Connect server reports about itself (connect_server_info): version, probed features, the API key's
user and, for an administrator's key, the active-user counts of the license."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import active_user_counts, current_user

SEARCH_PATH = "v1/search/auditlogs"  # the audit log search (concepts/audit.py), a feature some servers lack


def has_search(client):
    """Whether the server has GET /v1/search/auditlogs: probed once per run (Connect 2025.01.0 and later are
    expected to have it, but the version only hints: some older servers serve it too)."""
    return client.has_endpoint(SEARCH_PATH, {"page_size": 1})


def server_info(client, warn):
    """The module result; `warn` says why active_users is null for a key that is not an administrator's."""
    settings = client.server_settings()
    me = current_user(client) or {}
    active = None
    if me.get("user_role") == "administrator":
        active = active_user_counts(client)
    else:
        warn("server.active_users needs an administrator's API key (GET /v1/metrics/users/active); "
             "the key of %r, a %s, cannot read the license counts, so it is null." % (me.get("username"), me.get("user_role")))
    return dict(changed=False, server=dict(
        version=settings.get("version") or None,
        version_info=list(client.version() or []),
        api_url=client.api_root,
        features=dict(search_audit_logs=has_search(client)),
        current_user=dict((k, me.get(k)) for k in ("username", "guid", "user_role")),
        settings=settings,
        active_users=active,
    ))
