#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_content_restart
short_description: Restart Posit Connect apps and APIs, many at once, confirming each restart from the item's jobs
version_added: 0.2.0
description:
  - Restarts the selected interactive content (Shiny, Dash, Streamlit, Bokeh, Panel, Gradio, Voila apps, Plumber and
    FastAPI APIs ...), for example after a secret in its environment changed.
  - How it works. Connect's API has no restart operation. As Posit's SDK does, the module sets a temporary
    environment variable on the item and removes it again (two C(PATCH /v1/content/{guid}/environment) with the
    variable C(_CONNECT_RESTART_TMP_<time>)); any environment change makes Connect end the item's running
    processes. It then requests the content's URL, C(<server>/content/<guid>/), once, as the API key's user, which
    starts a new process. That URL is built from O(server) and the item's guid only; a redirect is not followed.
    With O(wait), the item's jobs (C(GET /v1/content/{guid}/jobs)) are read until a process that was not running
    before appears, which confirms the restart.
  - Before any write, each item is checked. Rendered content fails its item, naming
    M(posit.connect.connect_content_render); other kinds (static content) and items without an active bundle fail
    theirs too. Where Connect says (the item's C(app_role)) that the API key's user may not view the item (an
    administrator who is not a viewer of it), or may view it but not change its environment, the item fails before
    anything is changed, saying so; that user's visit could not start the new process.
  - An item whose processes were ended but whose visit was refused, or whose new process did not appear within
    O(wait_timeout), fails with C(changed=true); Connect starts it on the next visit of any viewer.
  - Items are selected as M(posit.connect.connect_content) selects them (O(guid); O(name) with O(owner); O(items);
    O(owned_by)), plus O(tags) and O(app_mode); options given together narrow each other.
  - 'Typical use: after M(posit.connect.connect_content) changes an C(environment) value with C(overwrite_environment),
    restart exactly the items that changed: C(when: result.changed) for one item, or, for the batch form,
    C(items: "{{ result.results | selectattr(''changed'') | map(attribute=''guid'') | posit.connect.to_items }}").'
  - Not idempotent by nature; every run restarts again.
extends_documentation_fragment: [posit.connect.connect, posit.connect.connect.content_selection, posit.connect.attributes.WRITE_MODULE]
attributes:
  check_mode:
    details: Sends no write and visits nothing; says, item by item, what would be restarted or why an item would fail.
  diff_mode:
    details: Each item's diff names it and shows C(restart).
seealso:
  - module: posit.connect.connect_content
  - module: posit.connect.connect_content_render
options:
  wait:
    description:
      - Follow each item's restart task (C(GET /v1/tasks/{id}) with C(first) and C(wait)) until it ends or O(wait_timeout)
        passes, concurrently over the items. A task that fails, or is still running at O(wait_timeout), fails its item
        with the task's error and the last lines of its output.
      - V(false) starts the tasks and returns their ids (follow them with M(posit.connect.connect_task_info)).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to follow each task when O(wait=true).
    type: int
    default: 600
  concurrency:
    description: How many items are acted on at once (1 to 64).
    type: int
    default: 8
"""

EXAMPLES = r"""
- name: Rotate a secret of the API
  posit.connect.connect_content:
    guid: "{{ api_guid }}"
    environment:
      DB_PASSWORD: "{{ new_password }}"
    overwrite_environment: true
  register: rotated
  no_log: true

- name: Restart the API when its environment changed
  posit.connect.connect_content_restart:
    guid: "{{ api_guid }}"
  when: rotated.changed

- name: Restart every Shiny app tagged Team/Risk, four at a time
  posit.connect.connect_content_restart:
    tags: [Team/Risk]
    app_mode: [shiny, python-shiny]
    concurrency: 4
"""

RETURN = r"""
results:
  description: One entry per selected item, in the order of the selection.
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: The item's position in the selection, from 0.
      type: int
    guid:
      description: The content guid.
      type: str
    name:
      description: The content name.
      type: str
    title:
      description: The content title.
      type: str
    app_mode:
      description: The content's app mode.
      type: str
    status:
      description: C(restarted), or C(failed) (the wrong kind of content, or a failed task).
      type: str
    changed:
      description: Whether the item was (in check mode, would be) restarted.
      type: bool
    failed:
      description: Whether this item failed.
      type: bool
    msg:
      description: C(restarted), C(would restart) in check mode, or the error.
      type: str
    ended:
      description: The keys of the jobs (processes) that were running before the restart.
      type: list
      elements: str
      returned: when the restart was made
    visit_status:
      description: The HTTP status of the visit of the content's URL.
      type: int
      returned: when the restart was made
    job:
      description: The key of the new process seen in the item's jobs (null with O(wait=false)).
      type: str
      returned: when the restart was made
    error:
      description: For a failed item, the error's details (method, path, status, code) when Connect answered.
      type: dict
      returned: when the item failed on a request
  sample:
    - {"index": 0, "guid": "ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5", "name": "risk-dashboard", "title": "Risk",
       "app_mode": "shiny", "status": "restarted", "changed": true, "failed": false, "msg": "restarted",
       "ended": ["tHawGvHZTosJA2Dx"], "visit_status": 200, "job": "xZ2a9d0KfQ1mB7cE"}
changed_items:
  description: The guid and name of each item that was (in check mode, would be) restarted, for a later task's O(items).
  returned: always
  type: list
  elements: dict
  sample: [{"guid": "ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5", "name": "quarterly-report"}]
changed_count:
  description: How many items were (would be) restarted.
  returned: always
  type: int
failed_count:
  description: How many items failed.
  returned: always
  type: int
failed_items:
  description: The C(index), C(guid), C(name) and C(msg) of each failed item.
  returned: always
  type: list
  elements: dict
check_mode:
  description: Whether the task ran in check mode.
  returned: always
  type: bool
"""

from ansible_collections.posit.connect.plugins.module_utils.concepts.selection import selection_rules, selection_spec
from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, concurrency_spec
from ansible_collections.posit.connect.plugins.module_utils.resources.content_ops import Restart, operation_spec, run_operation


def main():
    spec = selection_spec()
    spec.update(operation_spec(), **concurrency_spec())
    module = ConnectModule(argument_spec=spec, **selection_rules())
    module.run(lambda m: run_operation(m, Restart))


if __name__ == "__main__":
    main()
