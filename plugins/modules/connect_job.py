#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_job
short_description: End running jobs (processes) of Posit Connect content items
version_added: 0.2.0
description:
  - Ends jobs with C(DELETE /v1/content/{guid}/jobs/{key}), the jobs named by O(key) or every running job of
    the selected content items (a runaway process, an application stuck on an old secret).
  - Reads the selected items and their jobs (C(GET /v1/content/{guid}/jobs), concurrently) before anything is
    ended. A key that no job of the selected items has fails the task before anything is ended.
  - A job that has already ended is C(unchanged); a second run ends nothing more.
  - In check mode, lists the jobs that would be ended (status C(deleted), message C(would delete)) and sends no
    order.
  - Ending jobs needs the owner's, a collaborator's or an administrator's API key.
attributes:
  diff_mode:
    details: One entry per job ended, naming the job and its content item.
options:
  state:
    description:
      - V(absent) ends the jobs. A running application starts a new process on its next visit.
    type: str
    choices: [absent]
    default: absent
  key:
    description:
      - The keys of the jobs to end (RV(posit.connect.connect_job_info#module:jobs[].key)). Select the items they
        belong to with the selection options too.
      - Without O(key), every running job of the selected items is ended.
    type: list
    elements: str
  wait:
    description:
      - Wait until each ended job has an end time (C(GET /v1/content/{guid}/jobs/{key})), within O(wait_timeout).
        A job still running then fails.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for each job to end.
    type: float
    default: 60
  concurrency:
    description: The maximum number of requests sent in parallel, from 1 to 64.
    type: int
    default: 8
seealso:
  - module: posit.connect.connect_job_info
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.WRITE_MODULE,
                                 posit.connect.connect.content_selection]
"""

EXAMPLES = r"""
- name: End the runaway process of one application
  posit.connect.connect_job:
    guid: ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5
    key: [tHawGvHZTosJA2Dx]

- name: Which processes would end (check mode sends nothing)
  posit.connect.connect_job:
    tags: [Lifecycle/Retired]
  check_mode: true
  register: would_end

- name: End every running process of everything dave owns
  posit.connect.connect_job:
    owned_by: dave
    state: absent
"""

RETURN = r"""
results:
  description: One entry per job that was (or would be) ended, or that was named by O(key).
  returned: success
  type: list
  elements: dict
  contains:
    key:
      description: The job's key.
      type: str
    content_guid:
      description: The guid of its content item.
      type: str
    content_name:
      description: The name of its content item.
      type: str
    hostname:
      description: The host that runs the job.
      type: str
    start_time:
      description: When the job started.
      type: str
    status:
      description: C(deleted) (ended, or would be in check mode), C(unchanged) (had already ended) or C(failed).
      type: str
    changed:
      description: Whether this job was (or would be) ended.
      type: bool
    failed:
      description: Whether ending this job failed.
      type: bool
    msg:
      description: What happened, or the error.
      type: str
  sample:
    - {"key": "tHawGvHZTosJA2Dx", "content_guid": "ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5", "content_name": "app",
       "hostname": "connect", "start_time": "2026-01-02T15:04:05Z", "status": "deleted", "changed": true,
       "failed": false, "msg": "deleted"}
changed_count:
  description: How many jobs were (or would be) ended.
  returned: success
  type: int
failed_count: {description: How many jobs could not be ended., returned: success, type: int}
failed_items:
  description: The C(index) and C(msg) of each job that could not be ended (its key and item are in RV(results)).
  returned: success
  type: list
  elements: dict
diff:
  description: In diff mode, one entry per job ended.
  returned: in diff mode
  type: list
  elements: dict
"""

from ansible_collections.posit.connect.plugins.module_utils.concepts.selection import selection_rules, selection_spec
from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, concurrency_spec
from ansible_collections.posit.connect.plugins.module_utils.resources.job import JobResource


def main():
    spec = selection_spec()
    spec.update(
        state=dict(type="str", choices=["absent"], default="absent"),
        key=dict(type="list", elements="str", no_log=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="float", default=60),
        **concurrency_spec()
    )
    module = ConnectModule(argument_spec=spec, pool_size=64, **selection_rules())
    module.run(lambda m: m.reconcile(JobResource, batch=True),
               forbidden=("Ending the jobs of content", "the API key of the item's owner, a collaborator or an administrator"))


if __name__ == "__main__":
    main()
