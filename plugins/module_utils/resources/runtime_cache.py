# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_runtime_cache's resource: Connect's runtime package caches, deleted with DELETE /v1/system/caches/runtime.

Reads: one GET /v1/system/caches/runtime. In check mode each cache to delete is asked for with dry_run (Connect
checks the request, answers without a task and deletes nothing), so that what Connect would refuse shows as a
failed item. A real delete follows its task (GET /v1/tasks/{id}); a task that fails fails the item with its error.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.server import (
    CACHE_LANGUAGES,
    CACHES_PATH,
    DEFAULT_IMAGE,
    cache_key,
    runtime_caches,
)
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Resource
from ansible_collections.posit.connect.plugins.module_utils.concepts.tasks import follow_task

SHOWN_LINES = 5  # the last lines of a failed delete's output in its message


class CacheDeleteError(ConnectError):
    """Connect took the delete but its task failed (or did not finish in time): the cache may still be there."""


class RuntimeCacheResource(Resource):
    kind = "runtime cache"
    item_attributes = dict(cache=None)  # the cache an item selects (language, version, image_name)
    noun = "runtime caches"
    result_key = "cache"
    identifying = ("language", "version", "image_name")

    def __init__(self, engine, top):
        super(RuntimeCacheResource, self).__init__(engine, top)
        self.caches = None

    def prepare(self, item):
        where = item.where
        wanted = {}
        for option in ("language", "version", "image_name"):
            value = self.option(item, option)
            if option == "image_name" and value is None:
                value = DEFAULT_IMAGE
            if value is None or not str(value).strip():
                raise InputError("Option '%s%s' is required: a runtime cache is named by its language, version and "
                                 "image_name." % (where, option))
            wanted[option] = value
        if wanted["language"].lower() not in CACHE_LANGUAGES:
            raise InputError("Option '%slanguage' must be R or Python (the languages with runtime caches), got %r."
                             % (where, wanted["language"]))
        item.cache = wanted

    def prepare_all(self, items):
        self.caches = dict((cache_key(cache), cache) for cache in runtime_caches(self.client))
        return items

    def read(self, items):
        for item in items:
            item.current = self.caches.get(cache_key(item.cache))
        if self.engine.check_mode:  # Connect's own dry run: checks the request, deletes nothing
            self.engine.each(self._dry_run, [item for item in items if item.current is not None
                                             and item.state == "absent"])

    def _dry_run(self, item):
        self.client.delete(CACHES_PATH, body=self._body(item, dry_run=True))

    def _body(self, item, dry_run):
        current = item.current
        return dict(language=current.get("language"), version=current.get("version"),
                    image_name=current.get("image_name") or DEFAULT_IMAGE, dry_run=dry_run)

    def key(self, item):
        return cache_key(item.cache)

    def identity(self, item):
        return dict(item.cache)

    def header(self, item):
        cache = item.cache
        return "runtime cache %s %s (%s)" % (cache["language"], cache["version"], cache["image_name"])

    def view(self, item, values, side):
        return values

    def delete(self, item):
        answer = self.client.delete(CACHES_PATH, body=self._body(item, dry_run=False)) or {}
        task_id = answer.get("task_id")
        if not task_id:
            return
        task, output = follow_task(self.client, task_id, self.top.get("wait_timeout") or 0)
        if not task.get("finished"):
            raise CacheDeleteError("Connect's task %s that deletes the cache did not finish within %s seconds "
                                   "(wait_timeout); the cache may still be there. Check with connect_runtime_cache_info."
                                   % (task_id, self.top.get("wait_timeout")))
        if task.get("code") or task.get("error"):
            raise CacheDeleteError("Connect could not delete the cache (task %s): %s%s"
                                   % (task_id, task.get("error") or "code %s" % task.get("code"),
                                      "; output: " + " | ".join(output[-SHOWN_LINES:]) if output else ""))
