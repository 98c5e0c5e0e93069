#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_audit_info
short_description: Read, filter and export a Posit Connect server's audit log
version_added: 0.1.0
description:
  - Returns the audit log entries that match the filters, paging through as many entries as there are.
  - On servers that have it (Connect 2025.01.0 and later, and some older ones) the module uses
    C(GET /v1/search/auditlogs), which filters on the server; one request per run finds out whether the server
    has it. On servers without it, it pages through C(GET /v1/audit_logs) and applies the same filters
    itself, so both return the same entries; it stops paging as soon as the entries have left the time window
    in the paging order, and as soon as O(limit) entries matched.
  - With O(dest), the entries are streamed to a JSON Lines file instead of being returned, so an export of
    millions of entries does not pass through Ansible's result or memory.
  - Reading audit logs requires an administrator's API key.
options:
  action:
    description:
      - Only entries with one of these actions, for example V(deploy_application) or V(add_user).
        Case-insensitive.
      - Where the server lists its actions (C(GET /v1/audit/actions)), an action it does not know fails the task
        before audit logs are read, naming the closest known actions.
      - List the server's actions with O(list_actions=true).
    type: list
    elements: str
  user:
    description:
      - Only entries of the actor with this username or guid.
      - A username that does not exist fails the task before audit logs are read.
    type: str
  since:
    description:
      - Only entries at or after this time (inclusive).
      - An RFC3339 time such as V(2025-01-31T12:00:00Z) or V(2025-01-31T07:00:00-05:00), a date such as
        V(2025-01-31) (that day at 00:00 UTC), or a time relative to now such as V(-7d), V(-12h), V(-30m)
        (units V(s), V(m), V(h), V(d), V(w)).
      - Times are compared with microsecond precision.
    type: str
  until:
    description:
      - Only entries at or before this time (inclusive). Same formats as O(since); a date is the start of that
        day, so V(until=2025-02-01) ends January.
    type: str
  search:
    description:
      - Free text; every whitespace-separated term must appear, case-insensitively, in the entry's
        C(user_description), C(action) or C(event_description) (each term in any of them).
      - Terms may not start with V(-) or contain V(:), V(,) or V(") (Connect would read them as filters);
        use O(action), O(user), O(since) and O(until) to filter.
    type: str
  order:
    description:
      - V(desc) returns the newest entries first, V(asc) the oldest first.
      - On servers without the search API, V(desc) with O(since) reads only the pages back to O(since),
        while V(asc) reads from the oldest entry on; prefer V(desc) for recent windows there.
    type: str
    choices: [desc, asc]
    default: desc
  limit:
    description:
      - Return at most this many entries (the first ones in O(order)). Default is all that match.
      - No page beyond the one that completes the limit is requested.
    type: int
  dest:
    description:
      - Write the entries to this local file as JSON Lines (one JSON object per line, keys sorted)
        instead of returning them; RV(audit_logs) is then not returned.
      - The file is written to a temporary file in the same directory and renamed over O(dest), so a failed
        run never leaves a partial export. It is replaced only when its content differs, which reports
        C(changed=true).
      - In check mode the entries are read and counted but the file is not written; C(changed) predicts
        whether it would be.
    type: path
  checkpoint:
    description:
      - Export incrementally. This file records what has been written to O(dest). Each run appends to O(dest)
        only the entries newer than the last exported one, with no duplicates and no gaps, even when several
        entries share a timestamp. Safe to schedule; runs on the same checkpoint wait for each other.
      - Without the file (the first run), O(dest) is written from scratch with every entry that matches.
      - Entries are written oldest first (O(order) is ignored). The filters must stay the same from run to
        run; the module fails if they change. If O(dest) was moved away (rotated), a new file is started with
        the new entries only. If a run dies half-way, the next run writes what it did not commit, once.
      - In check mode neither file is written; RV(count) is the number of entries that would be appended.
      - Requires O(dest).
    type: path
  id:
    description:
      - Only the entry with this id (its C(id) field), for example to re-read an entry that an event named.
        Returns at most one entry.
      - Connect's audit API cannot read one entry by id, so the module reads the log (newest first, or in
        O(order)) within the other filters until it finds the entry and stops there. Give O(since) (the entry's
        C(time)) with O(order=asc) to read only the entries from that time on.
      - An id that is not found returns no entry (RV(count) is 0); it is not an error.
    type: str
  list_actions:
    description:
      - Return the server's audit actions (RV(actions), from C(GET /v1/audit/actions)) instead of log entries.
      - Cannot be combined with the filter options or O(dest).
    type: bool
    default: false
attributes:
  check_mode:
    details: With O(dest), check mode writes no file and predicts C(changed).
  diff_mode:
    details: The export file is not diffed.
notes:
  - Without O(dest) the module never reports C(changed).
seealso:
  - module: posit.connect.connect_user_info
extends_documentation_fragment: [posit.connect.connect, posit.connect.connect.file_mode, posit.connect.attributes.INFO_MODULE]
"""

EXAMPLES = r"""
- name: Every deployment in the last 7 days, newest first
  posit.connect.connect_audit_info:
    action: [deploy_application]
    since: -7d
  register: deployments

- name: What one user did in January
  posit.connect.connect_audit_info:
    user: alice
    since: "2025-01-01T00:00:00Z"
    until: "2025-01-31T23:59:59Z"
    order: asc

- name: The 20 most recent entries mentioning a content title
  posit.connect.connect_audit_info:
    search: sales dashboard
    limit: 20

- name: Full security-audit export, streamed to a JSON Lines file
  posit.connect.connect_audit_info:
    order: asc
    dest: /srv/audit/connect-audit.jsonl
  register: export

- name: Append the audit entries since the last run (schedule it; the first run exports everything)
  posit.connect.connect_audit_info:
    dest: /srv/audit/connect-audit.jsonl
    checkpoint: /srv/audit/connect-audit.checkpoint.json
  register: incremental

- name: Re-read one entry that an event named (by its id, from its time on)
  posit.connect.connect_audit_info:
    id: "23948901087"
    since: "2025-01-31T12:00:00Z"
    order: asc
  register: one_entry

- name: Which actions can be filtered on
  posit.connect.connect_audit_info:
    list_actions: true
  register: audit_actions
"""

RETURN = r"""
audit_logs:
  description: The matching entries in O(order); not returned with O(dest) or O(list_actions).
  returned: when neither O(dest) nor O(list_actions) is set
  type: list
  elements: dict
  sample:
    - id: "23948901087"
      time: "2025-01-31T12:00:00Z"
      user_id: "3"
      user_guid: 1b5a8d0e-0f73-4c4b-9d0c-7c3f1c2e4d5a
      user_description: Alice Smith (alice)
      action: deploy_application
      event_description: Deployed bundle 12 for Sales Dashboard
count:
  description: How many entries matched (and were returned or written to O(dest)). With O(checkpoint), how many were appended.
  returned: unless O(list_actions) is set
  type: int
  sample: 42
source:
  description: Where the entries came from, V(search) (C(GET /v1/search/auditlogs)) or V(audit_logs) (C(GET /v1/audit_logs)).
  returned: unless O(list_actions) is set
  type: str
  sample: search
checkpoint:
  description: With O(checkpoint), its absolute path.
  returned: when O(checkpoint) is set
  type: str
  sample: /srv/audit/connect-audit.checkpoint.json
last_time:
  description: With O(checkpoint), the time of the newest entry in O(dest), or null while it is empty.
  returned: when O(checkpoint) is set
  type: str
  sample: "2025-01-31T12:00:00Z"
total:
  description: With O(checkpoint), how many entries O(dest) holds after this run (counted since it was started).
  returned: when O(checkpoint) is set
  type: int
  sample: 120345
dest:
  description: The absolute path of the JSON Lines file.
  returned: when O(dest) is set
  type: str
  sample: /srv/audit/connect-audit.jsonl
checksum:
  description: SHA-1 of the JSON Lines content (written, or that would be written in check mode).
  returned: when O(dest) is set without O(checkpoint)
  type: str
  sample: 2b0e9a4d1a6f0c0c8b4a3c1b5d9f6e7a8b9c0d1e
actions:
  description: The server's audit actions.
  returned: when O(list_actions=true)
  type: list
  elements: dict
  sample: [{"action": "add_user", "description": "Add a user."}]
"""

from ansible_collections.posit.connect.plugins.module_utils.concepts.audit import ACTIONS_PATH, iter_audit, query_from_params
from ansible_collections.posit.connect.plugins.module_utils.concepts.audit import export_audit
from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, file_mode_spec


def run(m):
    query = query_from_params(m.client, m.params)
    if query is None:
        return dict(changed=False, actions=m.client.get(ACTIONS_PATH) or [])
    if m.params["dest"]:
        result = export_audit(m.client, query, m.params, m.check_mode)
        result["changed"] = m.set_file_mode(result["dest"], result["changed"])
        return result
    source, entries = iter_audit(m.client, query)
    logs = list(entries)
    return dict(changed=False, audit_logs=logs, count=len(logs), source=source)


def main():
    module = ConnectModule(
        argument_spec=dict(
            action=dict(type="list", elements="str"),
            user=dict(type="str"),
            since=dict(type="str"),
            until=dict(type="str"),
            search=dict(type="str"),
            order=dict(type="str", choices=["desc", "asc"], default="desc"),
            limit=dict(type="int"),
            dest=dict(type="path"),
            checkpoint=dict(type="path"),
            list_actions=dict(type="bool", default=False),
            id=dict(type="str"),
            **file_mode_spec()
        ),
        required_by=dict(checkpoint="dest"),
    )
    module.run(run, forbidden=("Reading audit logs", "an administrator's API key"))


if __name__ == "__main__":
    main()
