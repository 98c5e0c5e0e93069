# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connect's execution environments (the images content runs in): the version gates, the one listing, how
installations compare, and connect_execution_environment_info.

Not to be confused with a content item's environment variables (resources/facet_environment.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import list_content
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import check_guid

# posit-sdk 0.17.0 gates Client.environments with @requires(version="2023.05.0") (src/posit/connect/client.py).
SINCE = (2023, 5, 0)
# Environment permissions: no release note or SDK gate names their first version; their error codes (246, 247)
# follow those of the "Connect Visitor API Key" integration that Connect creates from 2025.05.0, the earliest
# version consistent with the error-code table (tests/standin/connect_standin/exec_environments.py).
PERMISSIONS_SINCE = (2025, 5, 0)

INSTALLATIONS = ("python", "r", "quarto", "tensorflow", "nodejs")
# The fields of UpdateEnvironmentInput: a PUT replaces them all, so every one not sent returns to its default.
WRITABLE = ("title", "description", "matching", "supervisor") + INSTALLATIONS + ("volume_mounts",)
MANAGED_BY = "managed_by"  # Environment.managed_by: set when a configuration file manages the environment
LISTING = "v1/environments"


def _shown(version):
    return ".".join(str(part) for part in version)


def require_version(client, since, what, option=None):
    """InputError naming the server's version when it is known and older than `since`."""
    version = client.version()
    if version is not None and tuple(version) < since:
        raise InputError("%sConnect %s has no %s; it comes with Connect %s. Upgrade Connect, or leave it out."
                         % ("Option '%s': " % option if option else "", client.server_settings().get("version"),
                            what, _shown(since)))


def list_environments(client):
    """Every execution environment the API key may see (GET /v1/environments answers one unpaged list)."""
    require_version(client, SINCE, "execution environments API (GET /v1/environments)")
    try:
        return client.get(LISTING) or []
    except ConnectError as exc:
        if exc.status == 404:
            raise ConnectError("This Connect server has no execution environments API (GET /v1/environments "
                               "answered 404); it comes with Connect %s." % _shown(SINCE),
                               method=exc.method, path=exc.path, status=exc.status, code=exc.code)
        raise


def installation_set(value):
    """An installations field ({installations: [{version, path}]}, null or a list) as a set of (version, path):
    Connect keeps them in no particular order, and no installations is the same as none given."""
    if isinstance(value, dict):
        value = value.get("installations")
    return frozenset((entry.get("version"), entry.get("path")) for entry in value or [] if isinstance(entry, dict))


def installation_list(value):
    """An installations field as a sorted list of {version, path}, for diffs and results."""
    return [dict(version=version, path=path) for version, path in sorted(installation_set(value), key=str)]


def mount_key(value):
    """volume_mounts compared as a set of mounts (each a dict of source and target)."""
    return sorted(json.dumps(mount, sort_keys=True) for mount in value or [])


def managed_by(environment):
    """Who manages an environment outside the API (Connect's managed_by), or None (read with a fallback: not
    every release reports it)."""
    return (environment or {}).get(MANAGED_BY)


def environment_info(client, params):
    """connect_execution_environment_info: the environments matching name or guid, with the content that
    requests each image (content items' default_image_name) on request."""
    check_guid(params["guid"], "guid", "execution environment", "To find an environment by its image use 'name'.")
    environments = list_environments(client)
    if params["guid"]:
        environments = [e for e in environments if (e.get("guid") or "").lower() == params["guid"].lower()]
    if params["name"] is not None:
        environments = [e for e in environments if e.get("name") == params["name"]]
    if "content" in (params["include"] or []):
        requesting = {}
        for item in list_content(client, keys=("guid", "name", "title", "owner_guid", "default_image_name")):
            image = item.get("default_image_name")
            if image:
                requesting.setdefault(image, []).append(
                    dict((field, item.get(field)) for field in ("guid", "name", "title", "owner_guid")))
        environments = [dict(e, content=requesting.get(e.get("name"), [])) for e in environments]
    return dict(changed=False, environments=environments)
