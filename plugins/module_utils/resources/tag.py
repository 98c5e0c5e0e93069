# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_tag's resource: tags of the tag tree, by path ("Department/Finance").

Reads: the whole tree with one GET /v1/tags, and for a tag to delete without
force, its content (GET /v1/tags/{id}/content). Writes: POST /v1/tags for the
path and every missing parent (one at a time, so that items sharing a new
parent create it once), DELETE /v1/tags/{id}.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.posit.connect.plugins.module_utils.resources.base import Resource
from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.tags import split_path, tag_paths, tags_by_id


class TagResource(Resource):
    kind = "tag"
    result_key = "tag"
    item_attributes = dict(names=None,     # the path's tag names, from the category down
                           path=None,      # the path as compared ("/" between the names)
                           children=None)  # the paths of an existing tag's descendants

    def __init__(self, engine, top):
        super(TagResource, self).__init__(engine, top)
        self.by_path = None
        self.lock = threading.Lock()

    def prepare(self, item):
        option = "paths[%d]" % item.index if item.index is not None else "path"
        item.names = split_path(item.spec.get("path"), option)
        item.path = "/".join(item.names)
        item.desired = dict(path=item.path)

    def prepare_all(self, items):
        if items and items[0].index is None:
            return items
        items = [self.engine.item(index, dict(path=path)) for index, path in enumerate(self.top.get("paths") or [])]
        for item in items:
            self.prepare(item)
        return items

    def read(self, items):
        by_id = tags_by_id(self.client.get("v1/tags"))
        self.by_path = dict((path, dict(by_id[tag_id], path=path)) for tag_id, path in tag_paths(by_id).items())
        for item in items:
            item.current = self.by_path.get(item.path)
            if item.current is not None:
                item.children = sorted(p for p in self.by_path if p.startswith(item.path + "/"))
        deleting = [item for item in items if item.state == "absent" and item.current is not None]
        self.engine.each(self.check_delete, [] if self.top.get("force") else deleting)

    def check_delete(self, item):
        """Connect deletes a tag's children and untags its content: only with force."""
        content = self.client.get("v1/tags/%s/content" % item.current["id"]) or []
        children = item.children
        if children or content:
            raise InputError(
                "Option 'force': tag %r has %s; deleting it deletes its child tags and removes it from that content. "
                "Set force: true to delete it anyway." % (item.path, " and ".join(filter(None, [
                    "%d child tag%s (%s)" % (len(children), "" if len(children) == 1 else "s", ", ".join(children[:5]))
                    if children else "", "%d tagged content item%s" % (len(content), "" if len(content) == 1 else "s")
                    if content else ""]))))

    def key(self, item):
        return item.path

    def compare(self, item):
        return {}

    def identity(self, item):
        result = item.result or item.current or {}
        return dict(path=item.path, id=result.get("id"))

    def header(self, item):
        return item.path

    def view(self, item, values, side):
        return dict(path=item.path, id=(item.current or {}).get("id")) if values else {}

    def predict(self, item):
        if item.status == "deleted":
            return {}
        if item.status == "created":
            return dict(id=None, name=item.names[-1], path=item.path)
        return dict(item.current)

    def outcome(self, item):
        return item.result if item.result is not None else {}

    def create(self, item):
        with self.lock:  # one at a time: items that share a new parent create it once
            parent, path = None, ""
            for name in item.names:
                path = path + "/" + name if path else name
                tag = self.by_path.get(path)
                if tag is None:
                    tag = self.client.post("v1/tags", body=dict(name=name, parent_id=parent))
                    tag = self.by_path[path] = dict(tag, path=path)
                parent = str(tag["id"])
            return tag

    def delete(self, item):
        try:
            self.client.delete("v1/tags/%s" % item.current["id"])
        except ConnectError as exc:
            if exc.status != 404:  # already gone with a parent this task deleted
                raise
