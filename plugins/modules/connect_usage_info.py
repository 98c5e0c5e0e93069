#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_usage_info
short_description: Read Posit Connect usage data (Shiny sessions, content visits or hits), optionally summarized
version_added: 0.1.0
description:
  - Returns every usage record in the time window, oldest first, paging through
    C(GET /v1/instrumentation/shiny/usage) or C(GET /v1/instrumentation/content/visits).
  - With O(summarize=true) it also counts the records per content item and per user and joins them with the
    content titles (one C(GET /v1/content)) and usernames (paging C(GET /v1/users) only until every user is found).
  - With O(rows=true) it also returns RV(rows), one per session or visit with the content's title and the
    username beside the guids (the same two lookups, made once when both options are set).
  - Requires an administrator's or a publisher's API key; Connect limits a publisher to the content they own
    or collaborate on.
options:
  type:
    description:
      - V(shiny) for Shiny application sessions (each with C(started) and C(ended)).
      - V(visits) for visits to all other content (each with C(time)).
      - V(hits) for Connect's content hits (each with C(timestamp) and C(data), the path and user agent), read with
        one C(GET /v1/instrumentation/content/hits), Connect 2025.04 and later. Several items of O(content) go in
        the same request on Connect 2026.01 and later; before that, the one unfiltered answer is filtered here.
    type: str
    choices: [shiny, visits, hits]
    default: shiny
  since:
    description:
      - Only records at or after this time (inclusive), sent as Connect's C(from).
      - An RFC3339 time such as V(2025-01-31T12:00:00Z), a date such as V(2025-01-31) (that day at 00:00 UTC),
        or a time relative to now such as V(-7d), V(-12h), V(-30m) (units V(s), V(m), V(h), V(d), V(w)).
    type: str
  until:
    description:
      - Only records at or before this time (inclusive), sent as Connect's C(to). Same formats as O(since);
        a date is the start of that day, so V(until=2025-02-01) ends January.
    type: str
  content:
    description:
      - Only records of the content item with this guid.
      - With O(type=hits), a list of guids is accepted too; the other types read one item.
    type: list
    elements: str
  summarize:
    description:
      - Also return RV(summary), the counts per content item and per user.
    type: bool
    default: false
  summary_only:
    description:
      - Return RV(summary) and RV(count) without the records themselves, which keeps the result small for
        a long time window. Requires O(summarize=true).
      - RV(rows) is still returned with O(rows=true).
    type: bool
    default: false
  rows:
    description:
      - Also return RV(rows), the records joined with usernames and content titles, for example to write a CSV
        of who used what and when.
    type: bool
    default: false
seealso:
  - module: posit.connect.connect_audit_info
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.INFO_MODULE]
"""

EXAMPLES = r"""
- name: Shiny sessions of the last 30 days, with who used what
  posit.connect.connect_usage_info:
    type: shiny
    since: -30d
    summarize: true
  register: shiny

- name: The ten most used apps
  ansible.builtin.debug:
    msg: "{{ shiny.summary.by_content[:10] | map(attribute='title') | list }}"

- name: Every Shiny session of the last week, with who used which app and when
  posit.connect.connect_usage_info:
    type: shiny
    since: -7d
    rows: true
  register: sessions

- name: Write them as CSV
  ansible.builtin.copy:
    dest: /tmp/sessions.csv
    mode: "0644"
    content: |
      username,content_title,started,ended
      {% for row in sessions.rows %}
      {{ row.username }},{{ row.content_title }},{{ row.started }},{{ row.ended }}
      {% endfor %}

- name: Visits to one report in January
  posit.connect.connect_usage_info:
    type: visits
    content: 2d2e6c8a-3f0b-4a3e-9d4f-1b2c3d4e5f60
    since: "2025-01-01T00:00:00Z"
    until: "2025-01-31T23:59:59Z"
"""

RETURN = r"""
usage:
  description:
    - The usage records, oldest first, as Connect returns them. Not returned with O(summary_only=true).
    - Shiny records have C(content_guid), C(user_guid), C(started), C(ended), C(data_version); visit records
      have C(content_guid), C(user_guid), C(time), C(variant_key), C(rendering_id), C(bundle_id), C(path),
      C(data_version), C(user_agent).
  returned: unless O(summary_only=true)
  type: list
  elements: dict
  sample:
    - content_guid: bd1d2285-6c80-49af-8a83-a200effe3cb3
      user_guid: 08e3a41d-1f8e-47f2-8855-f05ea3b0d4b2
      started: "2025-01-31T18:00:00Z"
      ended: "2025-01-31T18:01:00Z"
      data_version: 1
count:
  description: The number of usage records.
  returned: success
  type: int
  sample: 1
rows:
  description:
    - One row per record, in the order of RV(usage), with C(content_guid), C(content_title), C(content_name),
      C(user_guid), C(username), and C(started) and C(ended) (Shiny sessions) or C(time) (visits).
    - C(content_title) and C(content_name) are null for content the key cannot see (or deleted content);
      C(username) is null for anonymous records.
  returned: when O(rows=true)
  type: list
  elements: dict
  sample:
    - content_guid: bd1d2285-6c80-49af-8a83-a200effe3cb3
      content_title: Sales Dashboard
      content_name: sales-dashboard
      user_guid: 08e3a41d-1f8e-47f2-8855-f05ea3b0d4b2
      username: alice
      started: "2025-01-31T18:00:00Z"
      ended: "2025-01-31T18:01:00Z"
summary:
  description: Counts per content item and per user, each sorted by count, highest first.
  returned: when O(summarize=true)
  type: dict
  contains:
    by_content:
      description:
        - One item per content item with records; C(title) and C(name) are null for content the key cannot
          see (or deleted content). C(users) counts distinct signed-in users.
      type: list
      elements: dict
      sample: [{"content_guid": "bd1d2285-6c80-49af-8a83-a200effe3cb3", "title": "Sales Dashboard",
                "name": "sales-dashboard", "count": 12, "users": 3}]
    by_user:
      description:
        - One item per user with records; anonymous records are counted under C(user_guid) null.
      type: list
      elements: dict
      sample: [{"user_guid": "08e3a41d-1f8e-47f2-8855-f05ea3b0d4b2", "username": "alice", "count": 7}]
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule
from ansible_collections.posit.connect.plugins.module_utils.concepts.usage import usage_info


def main():
    module = ConnectModule(
        argument_spec=dict(
            type=dict(type="str", choices=["shiny", "visits", "hits"], default="shiny"),
            since=dict(type="str"),
            until=dict(type="str"),
            content=dict(type="list", elements="str"),
            summarize=dict(type="bool", default=False),
            summary_only=dict(type="bool", default=False),
            rows=dict(type="bool", default=False),
        ),
        required_if=[("summary_only", True, ("summarize",))],
    )
    module.run(lambda m: usage_info(m.client, m.params),
               forbidden=("Reading usage data", "an administrator's or a publisher's API key"))


if __name__ == "__main__":
    main()
