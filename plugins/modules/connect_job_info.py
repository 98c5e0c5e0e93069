#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_job_info
short_description: Read the jobs (processes, renders, builds) of Posit Connect content items, with their logs
version_added: 0.2.0
description:
  - Lists the jobs of the selected content items with C(GET /v1/content/{guid}/jobs), one request per item, sent
    concurrently. A job is a process of an application or API, a render of a document, or the build of a bundle.
  - Each job comes with its key, host, start and end, exit code and whether it is still running; with O(log_lines),
    the last lines of its log (C(GET .../jobs/{key}/log)); with O(include_error), the error of a failed job
    (C(GET .../jobs/{key}/error)).
  - Reading jobs needs the owner's, a collaborator's or an administrator's API key.
options:
  status:
    description:
      - V(running) lists the jobs that have not ended, V(finished) those that have, V(all) both.
    type: str
    choices: [running, finished, all]
    default: all
  key:
    description:
      - Only the jobs with these keys. A key that no job of the selected items has fails the task.
    type: list
    elements: str
  log_lines:
    description:
      - The last N lines of each job's log, in RV(jobs[].log). Leave out to read no log.
    type: int
  include_error:
    description:
      - The error Connect recorded for each job that ended with a non-zero exit code, in RV(jobs[].error).
    type: bool
    default: false
  summary:
    description:
      - Also return Connect's aggregated statistics of scheduled jobs (C(GET /v1/experimental/jobs/summary)) in
        RV(summary). On a server without them, RV(summary) is null and the task warns.
    type: bool
    default: false
  concurrency:
    description: The maximum number of requests sent in parallel, from 1 to 64.
    type: int
    default: 8
notes:
  - Without a selection option, the jobs of every item the API key's user can see are read.
seealso:
  - module: posit.connect.connect_job
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.INFO_MODULE,
                                 posit.connect.connect.content_selection, posit.connect.connect.listing,
                                 posit.connect.connect.file_mode]
"""

EXAMPLES = r"""
- name: What runs for the Shiny applications of the Finance department
  posit.connect.connect_job_info:
    tags: [Department/Finance]
    app_mode: [shiny, python-shiny]
    status: running
  register: running

- name: The last 50 log lines and the error of the jobs of one item
  posit.connect.connect_job_info:
    name: sales-dashboard
    owner: dave
    status: finished
    log_lines: 50
    include_error: true
  register: failed_jobs

- name: The key, item and start of every job on the server, written to a JSON Lines file
  posit.connect.connect_job_info:
    fields: [key, content_guid, content_name, running, start_time]
    dest: /srv/reports/jobs.jsonl
"""

RETURN = r"""
jobs:
  description: The jobs of the selected items, item by item, in the order Connect lists them. With O(fields), each job
    holds only those keys.
  returned: unless O(dest) is set
  type: list
  elements: dict
  contains:
    key:
      description: The job's key (C(connect_job) ends a job by it).
      type: str
    content_guid:
      description: The guid of the job's content item.
      type: str
    content_name:
      description: The name of the job's content item.
      type: str
    content_title:
      description: The title of the job's content item.
      type: str
    running:
      description: Whether the job has not ended (it has no C(end_time)).
      type: bool
    hostname:
      description: The host that runs (or ran) the job.
      type: str
    start_time:
      description: When the job started.
      type: str
    end_time:
      description: When the job ended; null while it runs.
      type: str
    exit_code:
      description: The job's exit code; null while it runs.
      type: int
    tag:
      description: What the job does, for example C(run_app), C(build_report), C(python_restore).
      type: str
    log:
      description: With O(log_lines), the job's last log lines (text, as the job wrote it).
      type: list
      elements: str
      returned: when O(log_lines) is set
    error:
      description: With O(include_error), Connect's error of a job that failed (C(code), C(summary), C(help_url)), else null.
      type: dict
      returned: when O(include_error) is true
  sample:
    - {"key": "tHawGvHZTosJA2Dx", "content_guid": "f2f37341-e21d-3d80-c698-a935ad614066", "content_name": "report",
       "content_title": "Report", "running": false, "hostname": "connect", "start_time": "2026-01-02T15:04:05Z",
       "end_time": "2026-01-02T15:05:05Z", "exit_code": 0, "tag": "build_report"}
count:
  description: How many jobs RV(jobs) lists, or O(dest) holds.
  returned: success
  type: int
running:
  description: How many of them are running.
  returned: success
  type: int
summary:
  description: With O(summary), Connect's statistics of scheduled jobs as it answers them, or null on a server without them.
  returned: when O(summary) is true
  type: dict
dest:
  description: The absolute path of the JSON Lines file of the jobs.
  returned: when O(dest) is set
  type: str
  sample: /srv/reports/jobs.jsonl
checksum:
  description: SHA-1 of the JSON Lines content (written, or that would be written in check mode).
  returned: when O(dest) is set
  type: str
  sample: 2b0e9a4d1a6f0c0c8b4a3c1b5d9f6e7a8b9c0d1e
"""

from ansible_collections.posit.connect.plugins.module_utils.concepts.jobs import job_info
from ansible_collections.posit.connect.plugins.module_utils.concepts.selection import selection_rules, selection_spec
from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, concurrency_spec, listing_spec


def main():
    spec = selection_spec()
    spec.update(
        status=dict(type="str", choices=["running", "finished", "all"], default="all"),
        key=dict(type="list", elements="str", no_log=False),
        log_lines=dict(type="int"),
        include_error=dict(type="bool", default=False),
        summary=dict(type="bool", default=False),
        **dict(concurrency_spec(), **listing_spec())
    )
    module = ConnectModule(argument_spec=spec, pool_size=64, **selection_rules(required=False))
    module.run_listing(lambda m: job_info(m.client, m.params, m.ansible.warn), "jobs",
                       forbidden=("Reading the jobs of content", "the API key of the item's owner, a collaborator or an administrator"))


if __name__ == "__main__":
    main()
