# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_content's facets: an item's tags, vanity URL, environment variables, whole ACL and OAuth integrations.

Each is handled only for items whose spec (or the batch's top level) sets it.
Reads: tags and vanity URLs come with the batch's one GET /v1/content
(include=tags,vanity_url; before 2024.06 one GET /v1/vanities instead), the
single form reads them per item; environment names and ACLs are read per item,
concurrently, by the engine. Everything Connect would refuse (an unknown tag,
a taken or forbidden vanity path, a viewer as collaborator, the owner in the
ACL) fails the item before any write. Environment values never leave the
module: plans, results and diffs carry names only.

This file holds what the five share (their options, their preparation, the
listing's include values and their base class); each facet has its file:
facet_tags.py, facet_vanity.py, facet_environment.py, facet_permissions.py, facet_oauth.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import VANITY_INCLUDE_SINCE
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Facet


def facet_argument_spec(item=False):
    """The facet options of connect_content: the top level (item=False) or one `items` entry."""
    flag = dict(type="bool") if item else dict(type="bool", default=False)
    permission = dict(principal=dict(type="str", required=True),
                      principal_type=dict(type="str", choices=["user", "group"], default="user"),
                      role=dict(type="str", choices=["viewer", "owner"], default="viewer"))
    return dict(
        tags=dict(type="list", elements="str"), purge_tags=dict(flag),
        vanity_url=dict(type="str"), force_vanity_url=dict(flag),
        environment=dict(type="dict", no_log=True), overwrite_environment=dict(flag), purge_environment=dict(flag),
        permissions=dict(type="list", elements="dict", options=permission), purge_permissions=dict(flag),
        oauth_integrations=dict(type="list", elements="str"), purge_oauth_integrations=dict(flag),
    )


def prepare_facets(resource, item):
    """Check each facet option the item sets and put its wanted value in item.facets."""
    for facet in resource.facets:
        if not isinstance(facet, ContentFacet):
            continue  # a subclass's own facet (connect_deploy's bundle) prepares itself
        value = resource.option(item, facet.name)  # the item's own value, else the batch's top-level one
        if value is not None:
            option = item.where + facet.name if item.spec.get(facet.name) is not None else facet.name
            flags = dict((flag, bool(resource.option(item, flag))) for flag in facet.flags)
            item.facets[facet.name] = facet.prepare(value, option, flags)


def listing_include(resource, items):
    """The include values the batch's GET /v1/content needs for the facets its items set."""
    include = []
    for facet in resource.facets:
        if facet.name in ("tags", "vanity_url") and (
                resource.top.get(facet.name) is not None or any(item.spec.get(facet.name) is not None for item in items)):
            if facet.name == "vanity_url":
                version = resource.client.version()
                if version is not None and version < VANITY_INCLUDE_SINCE:
                    continue  # read with one GET /v1/vanities instead
            facet.included = True
            include.append(facet.name)
    return include


def item_guid(item):
    """The guid of an item's object: as read, or as just created."""
    return (item.current or item.result or {}).get("guid")


class ContentFacet(Facet):
    """A facet of connect_content, bound to one run of its resource (its client, a lock for shared lookups)."""

    flags = ()

    def __init__(self, resource):
        self.resource = resource
        self.client = resource.client
        self.included = False   # read by the batch's listing
        self.lock = threading.Lock()
