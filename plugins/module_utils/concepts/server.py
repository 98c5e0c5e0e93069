# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a Connect server reports about itself (connect_server_info): version, probed features, the API key's
user and, for an administrator's key, the active-user counts of the license."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError
from ansible_collections.posit.connect.plugins.module_utils.concepts.audit import has_search
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import active_user_counts, current_user


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


# -- runtime caches (GET /v1/system/caches/runtime; administrators only) ----------------------------------------

CACHES_PATH = "v1/system/caches/runtime"
CACHE_LANGUAGES = ("r", "python")
DEFAULT_IMAGE = "Local"  # the image_name of the caches of content that runs on the Connect host


def cache_key(cache):
    """What identifies a cache: (language in lower case, version, image_name); Connect lists "python" or "Python"."""
    return (str(cache.get("language") or "").lower(), cache.get("version"), cache.get("image_name") or DEFAULT_IMAGE)


def runtime_caches(client, language=None, version=None, image_name=None):
    """The runtime caches, as Connect lists them, narrowed to a language, version and image where given."""
    try:
        caches = (client.get(CACHES_PATH) or {}).get("caches") or []
    except ConnectError as exc:
        if exc.status != 404:
            raise
        raise ConnectError("This Connect server has no runtime cache API (GET /__api__/%s answers 404; Connect "
                           "2024.05 and later have it)." % CACHES_PATH, method=exc.method, path=exc.path,
                           status=exc.status, code=exc.code)
    return [cache for cache in caches
            if (language is None or cache_key(cache)[0] == language.lower())
            and (version is None or cache.get("version") == version)
            and (image_name is None or cache_key(cache)[2] == image_name)]
