# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connect's OAuth integrations: the version gate, the reads, and connect_oauth_integration_info.

Reads: GET /v1/oauth/integrations (one list, not paged), GET /v1/oauth/templates,
GET /v1/oauth/integrations/{guid}/associations (administrators) and
GET /v1/content/{guid}/oauth/integrations/associations (view rights on the item).
Connect never answers a secret configuration value (a template field marked `secret`).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import get_content

# The first Connect version with the OAuth integrations API. posit-sdk 0.17.0 gates `Client.oauth` with
# @requires(version="2024.08.0") (src/posit/connect/client.py) and its integration suite skips the OAuth tests on
# servers up to 2024.06.0 (integration/tests/posit/connect/oauth/test_integrations.py).
INTEGRATIONS_SINCE = (2024, 8, 0)
# More than one integration per content item: posit-sdk's integration suite skips
# test_find_update_by_content_multiple below 2025.07.0 ("Multi associations not supported",
# integration/tests/posit/connect/oauth/test_associations.py).
MULTIPLE_SINCE = (2025, 7, 0)
INTEGRATIONS_PATH = "v1/oauth/integrations"


def version_text(version):
    """(2024, 8, 0) as Connect writes it: 2024.08.0."""
    return "%d.%02d.%d" % version


def server_version(client):
    """The version the server reports, as text, for messages."""
    try:
        return client.server_settings().get("version") or "version hidden"
    except ConnectError:
        return "version unknown"


def no_api_error(client):
    return InputError("This Connect server (%s) has no OAuth integrations API (GET /v1/oauth/integrations); Connect "
                      "serves it from %s. Upgrade Connect to manage OAuth integrations."
                      % (server_version(client), version_text(INTEGRATIONS_SINCE)))


def require_integrations_api(client):
    """Fail, before any other request about integrations, on a server older than INTEGRATIONS_SINCE."""
    version = client.version()
    if version is not None and version < INTEGRATIONS_SINCE:
        raise no_api_error(client)


def list_integrations(client):
    """Every integration the key's user may see (administrators and publishers); the version gate first."""
    require_integrations_api(client)
    try:
        return client.get(INTEGRATIONS_PATH) or []
    except ConnectError as exc:
        if exc.status == 404:  # a server that hides its version and has no such API
            raise no_api_error(client)
        raise


def list_templates(client):
    """{template key: template} (GET /v1/oauth/templates)."""
    return dict((t.get("id"), t) for t in client.get("v1/oauth/templates") or [])


def template_keys(template):
    """The configuration keys a template defines (its options and fields)."""
    return set(entry.get("name") for part in ("options", "fields") for entry in template.get(part) or [])


def integration_content(client, guid, concurrency=8):
    """The content items associated with an integration: [{guid, name, title}] (administrators only); items
    deleted since are left out."""
    links = client.get("%s/%s/associations" % (INTEGRATIONS_PATH, guid)) or []
    found = client.map_concurrent(lambda link: get_content(client, link.get("app_guid")), links, concurrency)
    items = []
    for link, item, error in found:
        if error is not None:
            raise error
        if item is not None:
            items.append(dict(guid=item.get("guid"), name=item.get("name"), title=item.get("title")))
    return items


def content_associations(client, content_guid):
    """The integration guids associated with one content item."""
    links = client.get("v1/content/%s/oauth/integrations/associations" % content_guid) or []
    return [link.get("oauth_integration_guid") for link in links]


def add_integration_names(client, items, concurrency=8):
    """item["oauth_integrations"] = the names of its integrations (connect_content_info's include), read per item
    concurrently; items deleted since the listing are dropped. A server older than INTEGRATIONS_SINCE has no
    integrations to read: its items are returned without the key (nothing is asked about them)."""
    if not items:
        return items
    version = client.version()
    if version is not None and version < INTEGRATIONS_SINCE:
        return items

    def read(item):
        return client.get_or_none("v1/content/%s/oauth/integrations/associations" % item["guid"])

    kept = []
    for item, links, error in client.map_concurrent(read, items, concurrency):
        if error is not None:
            if error.status == 404 and client.version() is None:
                raise no_api_error(client)
            raise error
        if links is not None:
            item["oauth_integrations"] = [link.get("oauth_integration_name") or link.get("oauth_integration_guid")
                                          for link in links]
            kept.append(item)
    return kept


def describe_content(items):
    return ", ".join("%r (%s)" % (item.get("name") or item.get("title"), item.get("guid")) for item in items)


# -- connect_oauth_integration_info -------------------------------------------------------


def integration_info(client, params, concurrency=8):
    """The integrations matching the filters, each with content_count and, on request, its associations."""
    integrations = list_integrations(client)
    for field in ("name", "guid", "template"):
        if params.get(field) is not None:
            fold = (lambda value: (value or "").lower()) if field == "guid" else (lambda value: value)
            integrations = [i for i in integrations if fold(i.get(field)) == fold(params[field])]
    with_content = "associations" in (params.get("include") or [])

    def complete(integration):
        if with_content or integration.get("content_count") is None:
            try:
                content = integration_content(client, integration["guid"], concurrency)
            except ConnectError as exc:
                if exc.status != 403 or with_content:
                    raise
                content = None  # a publisher's key reads no associations: the count stays unknown
            if content is not None and integration.get("content_count") is None:
                integration["content_count"] = len(content)
            if with_content:
                integration["associations"] = content
        integration.setdefault("content_count", None)

    for integration, dummy, error in client.map_concurrent(complete, integrations, concurrency):
        if error is not None:
            raise error
    return dict(integrations=integrations)
