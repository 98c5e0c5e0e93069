#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_schedule_info
short_description: Read the schedules of Posit Connect content items, their last runs and their history
version_added: 0.2.0
description:
  - Returns the schedule of each selected item that renders on one (reports, documents, notebooks). It has the rule
    (an RRULE set), the next run, and the last run's time and status where Connect reports them. The items are read
    with C(GET /v1/content?include=schedule), one request.
  - With O(history), also the last N changes of each schedule (C(GET /v1/content/{guid}/schedule/history), one
    request per scheduled item, concurrently). Reading the history needs the owner's, a collaborator's or an
    administrator's API key.
  - Connect's API has no schedule writes. Change schedules in the dashboard.
options:
  history:
    description: The last N changes of each schedule, newest first, in RV(schedules[].history).
    type: int
  concurrency:
    description: The maximum number of requests sent in parallel, from 1 to 64.
    type: int
    default: 8
notes:
  - Without a selection option, the schedules of every item the API key's user can see are read.
seealso:
  - module: posit.connect.connect_content_info
  - module: posit.connect.connect_job_info
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.INFO_MODULE,
                                 posit.connect.connect.content_selection]
"""

EXAMPLES = r"""
- name: Every schedule, and whether its last run failed
  posit.connect.connect_schedule_info:
  register: scheduled

- name: Show the reports whose last scheduled run failed
  ansible.builtin.debug:
    msg: "{{ scheduled.schedules | selectattr('last_run') | selectattr('last_run.status', 'equalto', 'failure')
             | map(attribute='content_name') | list }}"

- name: The last five changes of the Finance reports' schedules
  posit.connect.connect_schedule_info:
    tags: [Department/Finance]
    history: 5
"""

RETURN = r"""
schedules:
  description: One entry per schedule of the selected items (items without a schedule have none).
  returned: success
  type: list
  elements: dict
  contains:
    content_guid:
      description: The item's guid.
      type: str
    content_name:
      description: The item's name.
      type: str
    content_title:
      description: The item's title.
      type: str
    variant_key:
      description: The key of the variant that renders on this schedule.
      type: str
    rule:
      description: The schedule as Connect gives it (C(dtstart) and C(rrules)).
      type: dict
    timezone:
      description: The schedule's time zone.
      type: str
    next_run:
      description: When it runs next.
      type: str
    last_run:
      description:
        - The last scheduled run (C(job_key), C(status), C(scheduled_time), C(start_time), C(end_time), C(exit_code),
          C(run_duration_ms)), or null when Connect reports none.
      type: dict
    history:
      description: With O(history), the last changes of the schedule (C(change_type), C(change_time), C(username), C(schedule)).
      type: list
      elements: dict
      returned: when O(history) is set
    history_total:
      description: With O(history), how many changes Connect has recorded.
      type: int
      returned: when O(history) is set
  sample:
    - {"content_guid": "f2f37341-e21d-3d80-c698-a935ad614066", "content_name": "daily-report", "variant_key": "v0000054",
       "rule": {"dtstart": "DTSTART;TZID=UTC:20260102T060000", "rrules": ["RRULE:FREQ=DAILY;INTERVAL=1"]},
       "timezone": "UTC", "next_run": "2026-12-07T06:00:00Z",
       "last_run": {"job_key": "tHawGvHZTosJA2Dx", "status": "success", "start_time": "2026-12-06T06:00:02Z"}}
count:
  description: How many schedules RV(schedules) lists.
  returned: success
  type: int
item_count:
  description: How many content items were selected.
  returned: success
  type: int
"""

from ansible_collections.posit.connect.plugins.module_utils.concepts.schedule_info import schedule_info
from ansible_collections.posit.connect.plugins.module_utils.concepts.selection import selection_rules, selection_spec
from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, concurrency_spec


def main():
    spec = selection_spec()
    spec.update(history=dict(type="int"), **concurrency_spec())
    module = ConnectModule(argument_spec=spec, pool_size=64, **selection_rules(required=False))
    module.run(lambda m: schedule_info(m.client, m.params, m.ansible.warn),
               forbidden=("Reading schedule history", "the API key of the item's owner, a collaborator or an administrator"))


if __name__ == "__main__":
    main()
