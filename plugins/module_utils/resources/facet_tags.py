# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_content's tags facet: the tag paths an item carries."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.tags import split_path, tag_path, tag_paths, tags_by_id
from ansible_collections.posit.connect.plugins.module_utils.resources.content_facets import ContentFacet, item_guid


class TagsFacet(ContentFacet):
    """Tag paths ("Department/Finance"); the item ends with at least these (purge_tags: exactly these)."""

    name = "tags"
    flags = ("purge_tags",)
    listed = ("tags",)  # with include=tags

    def __init__(self, resource):
        super(TagsFacet, self).__init__(resource)
        self.by_id = None
        self.by_path = None

    def prepare(self, value, option, flags):
        paths = ["/".join(split_path(path, option)) for path in value]
        return dict(paths=paths, option=option, purge=flags["purge_tags"])

    def tree(self):
        """The tag tree, read once (GET /v1/tags)."""
        with self.lock:
            if self.by_id is None:
                self.by_id = tags_by_id(self.client.get("v1/tags"))
                self.by_path = dict((path, tag_id) for tag_id, path in tag_paths(self.by_id).items())
        return self.by_id

    def path(self, tag_id):
        tag = self.by_id.get(str(tag_id))
        return tag_path(tag, self.by_id) if tag is not None else str(tag_id)

    def lineage(self, tag_id):
        """The tag and its ancestors below the category (what Connect adds with it)."""
        found, tag = [], self.by_id.get(tag_id)
        while tag is not None and tag.get("parent_id") is not None:
            found.append(str(tag["id"]))
            tag = self.by_id.get(str(tag["parent_id"]))
        return found

    def below(self, tag_id):
        """The tag and its descendants (what Connect removes with it)."""
        found, todo = set(), [tag_id]
        while todo:
            current = todo.pop()
            found.add(current)
            todo.extend(tid for tid, tag in self.by_id.items() if str(tag.get("parent_id")) == current)
        return found

    def from_listing(self, item):
        return item.current.get("tags") is not None

    def read(self, engine, item):
        tags = item.current.get("tags")
        if tags is None:
            tags = self.client.get("v1/content/%s/tags" % item.current["guid"]) or []
        return sorted(str(tag["id"]) for tag in tags)

    def plan(self, engine, item, current, wanted):
        self.tree()
        ids = []
        for path in wanted["paths"]:
            tag_id = self.by_path.get(path)
            if tag_id is None:
                raise InputError("Option '%s': no tag %r on this server. Create it first with "
                                 "posit.connect.connect_tag (path: %r)%s."
                                 % (wanted["option"], path, path, engine.not_yet("a tag")))
            if self.by_id[tag_id].get("parent_id") is None:
                raise InputError("Option '%s': %r is a tag category, and Connect adds only tags below a category "
                                 "to content. Name a tag under it, e.g. '%s/...'." % (wanted["option"], path, path))
            if tag_id not in ids:
                ids.append(tag_id)
        current = set(current or [])
        keep = set(tid for tag_id in ids for tid in self.lineage(tag_id))
        add = [tag_id for tag_id in ids if tag_id not in current]
        remove = []
        if wanted["purge"]:
            extra = current - keep
            remove = sorted(tid for tid in extra if str(self.by_id.get(tid, {}).get("parent_id")) not in extra)
        if not add and not remove:
            return None
        return dict(add=add, remove=remove)

    def end(self, current, wanted, operations):
        after = set(current or [])
        for tag_id in operations["add"]:
            after.update(self.lineage(tag_id))
        for tag_id in operations["remove"]:
            after -= self.below(tag_id)
        return sorted(after)

    def view(self, value):
        self.tree()
        return sorted(self.path(tag_id) for tag_id in value or [])

    def summary(self, operations):
        return dict(add=[self.path(t) for t in operations["add"]], remove=[self.path(t) for t in operations["remove"]])

    def apply(self, engine, item, operations):
        guid = item_guid(item)
        for tag_id in operations["add"]:
            self.client.post("v1/content/%s/tags" % guid, body={"tag_id": tag_id})
        for tag_id in operations["remove"]:
            self.client.delete("v1/content/%s/tags/%s" % (guid, tag_id))
