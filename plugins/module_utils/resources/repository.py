# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_content_repository's resource: the git location of one content item (GET/PUT/PATCH/DELETE
/v1/content/{guid}/repository). The item must exist; its repository is created with PUT, changed with PATCH."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import select_content
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_fields import check_guid
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Resource
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError

FIELDS = ("repository", "branch", "directory", "polling")


class RepositoryResource(Resource):
    kind = "git repository"
    result_key = "repository"
    item_attributes = dict(content=None)   # the content item the repository belongs to (resolve)

    def prepare(self, item):
        spec = item.spec
        check_guid(spec.get("guid"))
        item.desired = dict((field, spec[field]) for field in FIELDS if spec.get(field) is not None)
        repository = item.desired.get("repository")
        if repository is not None and not repository.startswith(("https://", "http://")):
            raise InputError("Option 'repository': %r is not an http(s) URL; Connect fetches git repositories "
                             "over HTTPS (for example https://github.com/acme/reports)." % repository)

    def resolve(self, item):
        spec = item.spec
        item.content = select_content(self.client, spec.get("guid"), spec.get("name"), spec.get("owner"))

    def path(self, item):
        return "v1/content/%s/repository" % item.content["guid"]

    def read_one(self, item):
        return self.client.get_or_none(self.path(item))

    def missing(self, item):
        if "repository" not in item.desired:
            raise InputError("Option 'repository' is required: content %s (%s) is not git-backed yet."
                             % (item.content["guid"], item.content.get("name")))

    def header(self, item):
        content = item.content or {}
        return "git repository of content %r (%s)" % (content.get("name"), content.get("guid"))

    def view(self, item, values, side):
        return dict(values, content=item.content.get("name")) if values else values

    def predict(self, item):
        predicted = super(RepositoryResource, self).predict(item)
        if item.status == "created":
            predicted = dict(dict(branch="main", directory=".", polling=False), **predicted)
        return predicted

    def create(self, item):
        return self.client.put(self.path(item), body=item.desired)

    def update(self, item, changes):
        return self.client.patch(self.path(item), body=changes)

    def delete(self, item):
        self.client.delete(self.path(item))

    def extras(self, item):
        content = item.content or {}
        return dict(content=dict((k, content.get(k)) for k in ("guid", "name", "title")))
