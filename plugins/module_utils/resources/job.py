# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_job's resource: the jobs of the selected content items, ended with DELETE /v1/content/{guid}/jobs/{key}.

Reads (in prepare_all, before any write): the selection (concepts/selection.py), then GET /v1/content/{guid}/jobs
per selected item, concurrently. Each job to end is one item of the engine: every running job of the selected
items, or the jobs named by `key`. A job that has already ended is unchanged. With `wait`, each end is followed
(GET .../jobs/{key}) until the job has an end_time, within wait_timeout.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError
from ansible_collections.posit.connect.plugins.module_utils.concepts.jobs import (
    check_keys,
    describe,
    is_running,
    job_path,
    jobs_of,
)
from ansible_collections.posit.connect.plugins.module_utils.concepts.selection import select
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Resource

POLL_SECONDS = 0.5
INACTIVE_JOB = 163  # Connect's code for a job that has already ended


class JobResource(Resource):
    kind = "job"
    item_attributes = dict(job=None)  # the job an item ends, as connect_job returns it
    result_key = "job"
    identifying = ("key", "content_guid", "content_name", "hostname", "start_time")

    def prepare(self, item):
        """The entries of `items` select content (concepts/selection.py); the engine's items are the jobs."""

    def prepare_all(self, items):
        keys = self.top.get("key") or []
        listed = jobs_of(self.client, select(self.client, self.top), self.engine.concurrency)
        check_keys(keys, listed)
        jobs = []
        for content, found in listed:
            for job in found:
                if job.get("key") in keys if keys else is_running(job):
                    item = self.engine.item(len(jobs), dict(key=job.get("key")))
                    item.where = "job %s: " % job.get("key")
                    item.job = describe(content, job)
                    jobs.append(item)
        return jobs

    def read(self, items):
        for item in items:  # read in prepare_all: a job that has ended is absent already
            item.current = item.job if item.job["running"] else None

    def key(self, item):
        return (item.job["content_guid"], item.job["key"])

    def identity(self, item):
        job = item.job
        return dict((field, job.get(field)) for field in self.identifying)

    def header(self, item):
        job = item.job
        return "job %s of content %r (%s)" % (job.get("key"), job.get("content_name"), job.get("content_guid"))

    def deleted_view(self, item):
        return dict(self.identity(item), running=True)

    def view(self, item, values, side):
        return values

    def delete(self, item):
        job = item.job
        try:
            self.client.delete(job_path(job["content_guid"], job["key"]))
        except ConnectError as exc:
            if exc.status not in (404, 409) or (exc.status == 409 and exc.code not in (None, INACTIVE_JOB)):
                raise
            return  # it ended (or went away) on its own since it was read
        if self.top.get("wait"):
            self._wait(job)

    def _wait(self, job):
        deadline = time.monotonic() + (self.top.get("wait_timeout") or 0)
        while True:
            found = self.client.get_or_none(job_path(job["content_guid"], job["key"]))
            if found is None or not is_running(found):
                return
            if time.monotonic() >= deadline:
                raise ConnectError("Connect took the order to end job %s but it still ran after %s seconds "
                                   "(wait_timeout); check it with connect_job_info."
                                   % (job["key"], self.top.get("wait_timeout")))
            time.sleep(POLL_SECONDS)
