# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connect's bundles: listing and describing an item's bundles, and connect_bundle_info (which downloads one)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import select_content
from ansible_collections.posit.connect.plugins.module_utils.files.export import check_dest, file_sha1, write_beside


def bundle_summary(bundle):
    """A Connect Bundle as the modules return it."""
    if not bundle:
        return None
    metadata = bundle.get("metadata") or {}
    return dict(id=bundle.get("id"), content_guid=bundle.get("content_guid"), created_time=bundle.get("created_time"),
                created_by=bundle.get("created_by"), size=bundle.get("size"), active=bundle.get("active"),
                sha1=metadata.get("archive_sha1"), md5=metadata.get("archive_md5"), source=metadata.get("source"),
                source_repo=metadata.get("source_repo"), source_branch=metadata.get("source_branch"),
                source_commit=metadata.get("source_commit"))


def list_bundles(client, guid):
    """Every bundle of an item, newest first (paged by page_number)."""
    found, page = [], 1
    while True:
        batch = client.get("v1/content/%s/bundles" % guid, params={"page_number": page, "page_size": 500}) or []
        found.extend(batch)
        if len(batch) < 500:
            return sorted(found, key=lambda b: int(b.get("id") or 0), reverse=True)
        page += 1


def bundle_info(client, params):
    """connect_bundle_info: the item's bundles, newest first, and with `dest` the active one (or `bundle_id`)
    downloaded, unless the file there already has its sha1."""
    content = select_content(client, params["guid"], params["name"], params["owner"])
    guid = content["guid"]
    if params["bundle_id"] is not None:
        bundles = [bundle_summary(client.get("v1/content/%s/bundles/%s" % (guid, params["bundle_id"])))]
    else:
        bundles = [bundle_summary(b) for b in list_bundles(client, guid)]
    active = next((b for b in bundles if b["active"]), None)
    result = dict(changed=False, bundles=bundles, active=active,
                  content=dict((k, content.get(k)) for k in ("guid", "name", "title", "bundle_id")))
    dest = params["dest"]
    if dest is None:
        return result
    chosen = bundles[0] if params["bundle_id"] is not None else active
    if chosen is None:
        raise InputError("Option 'dest': content %s (%s) has no active bundle to download; give 'bundle_id'."
                         % (guid, content.get("name")))
    check_dest(dest, example="bundle.tar.gz")
    fresh = chosen["sha1"] is None or file_sha1(dest) != chosen["sha1"]
    if fresh:
        write_beside(dest, lambda out: client.download("v1/content/%s/bundles/%s/download" % (guid, chosen["id"]), out))
    return dict(result, dest=dest, downloaded=fresh)
