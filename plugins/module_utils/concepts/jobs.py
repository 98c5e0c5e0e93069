# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jobs of content items (posit-jobs-api-openapi.yml): the reads of connect_job_info and connect_job.

GET /v1/content/{guid}/jobs per selected item (concurrently), then per job, only when asked,
GET .../jobs/{key}/log?maxLogLines=N and GET .../jobs/{key}/error; GET /v1/experimental/jobs/summary for
`summary`. A job is running while it has no end_time (every recording carries end_time; `status` is 0 in a
recording of an ended job, so it is not read).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.selection import select

SUMMARY_PATH = "v1/experimental/jobs/summary"


def is_running(job):
    return job.get("end_time") is None


def job_path(guid, key, rest=""):
    return "v1/content/%s/jobs/%s%s" % (guid, key, rest)


def jobs_of(client, items, concurrency=8):
    """[(content item, its jobs)] for the items, concurrently; an item deleted since it was selected is left out."""
    found = []
    for item, jobs, error in client.map_concurrent(
            lambda one: client.get_or_none("v1/content/%s/jobs" % one["guid"]), items, concurrency):
        if error is not None:
            raise error
        if jobs is not None:
            found.append((item, jobs))
    return found


def keep(job, status, keys):
    """Whether a job passes the status filter (running, finished, all) and the `key` filter."""
    if keys and job.get("key") not in keys:
        return False
    if status == "running":
        return is_running(job)
    if status == "finished":
        return not is_running(job)
    return True


def check_keys(keys, listed, option="key"):
    """An InputError for keys that no job of the selected items has (before any write)."""
    known = set(job.get("key") for dummy, jobs in listed for job in jobs)
    unknown = [key for key in keys or [] if key not in known]
    if unknown:
        raise InputError("Option '%s': no job %s among the jobs of the selected content items; select the item the job "
                         "belongs to (guid, name, items ...)." % (option, ", ".join(repr(key) for key in unknown)))


def describe(item, job):
    """A job as the modules return it: Connect's fields, the item's guid, name and title, and `running`."""
    out = dict(job)
    out.update(content_guid=item.get("guid"), content_name=item.get("name"), content_title=item.get("title"),
               running=is_running(job))
    return out


def job_info(client, params, warn):
    """connect_job_info's result."""
    concurrency = params.get("concurrency") or 8
    keys = params.get("key") or []
    listed = jobs_of(client, select(client, params), concurrency)
    check_keys(keys, listed)
    jobs = [describe(item, job) for item, found in listed for job in found
            if keep(job, params.get("status") or "all", keys)]
    log_lines, with_error = params.get("log_lines"), params.get("include_error")
    if log_lines is not None and log_lines < 1:
        raise InputError("Option 'log_lines' must be 1 or more, got %s; leave it out to read no log." % log_lines)

    def details(job):
        if log_lines:
            answer = client.get(job_path(job["content_guid"], job["key"], "/log"), params={"maxLogLines": log_lines})
            job["log"] = [entry.get("data") for entry in (answer or {}).get("entries") or []][-log_lines:]
        if with_error:
            job["error"] = None
            if not job["running"] and job.get("exit_code") not in (0, None):
                job["error"] = client.get(job_path(job["content_guid"], job["key"], "/error")) or None
        return job

    if log_lines or with_error:
        for dummy, dummy_result, error in client.map_concurrent(details, jobs, concurrency):
            if error is not None and error.status != 404:  # 404: the job went away since it was listed
                raise error
    result = dict(changed=False, jobs=jobs, count=len(jobs),
                  running=sum(1 for job in jobs if job["running"]))
    if params.get("summary"):
        result["summary"] = job_summary(client, warn)
    return result


def job_summary(client, warn):
    """Connect's statistics of scheduled jobs, or None (with a warning) on a server without them."""
    try:
        return client.get(SUMMARY_PATH)
    except ConnectError as exc:
        if exc.status != 404:
            raise
    warn("This Connect server has no job summary (GET /__api__/%s, newer Connect releases); summary is null."
         % SUMMARY_PATH)
    return None
