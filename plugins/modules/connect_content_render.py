#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_content_render
short_description: Render Posit Connect reports, documents and notebooks again, many at once, following each render
version_added: 0.2.0
description:
  - Renders the selected rendered content (R Markdown and Quarto documents, Jupyter notebooks) through Connect's
    render (C(POST /v1/content/{guid}/render), the default variant), and with O(wait) follows each task to its end.
  - Items are selected as M(posit.connect.connect_content) selects them (O(guid); O(name) with O(owner); O(items);
    O(owned_by)), plus O(tags) and O(app_mode); options given together narrow each other.
  - Each item gets its own status. Interactive content (an app or an API) fails its item, naming
    M(posit.connect.connect_content_restart); other kinds (static content) and items with no active bundle fail
    theirs too. These are checked before anything is rendered, and the other items still render.
  - Not idempotent by nature; every run renders again (C(changed) is true for every rendered item).
extends_documentation_fragment: [posit.connect.connect, posit.connect.connect.content_selection, posit.connect.attributes.WRITE_MODULE]
attributes:
  check_mode:
    details: Sends no render; says, item by item, what would be rendered or why an item would fail.
  diff_mode:
    details: Each item's diff names it and shows C(render).
seealso:
  - module: posit.connect.connect_content_restart
  - module: posit.connect.connect_content_build
  - module: posit.connect.connect_task_info
options:
  wait:
    description:
      - Follow each item's render task (C(GET /v1/tasks/{id}) with C(first) and C(wait)) until it ends or O(wait_timeout)
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
- name: Render every report tagged Department/Finance, four at a time
  posit.connect.connect_content_render:
    tags: [Department/Finance]
    app_mode: [rmd-static, quarto-static]
    concurrency: 4
    wait_timeout: 1800
  register: rendered

- name: Start the renders of two documents without waiting
  posit.connect.connect_content_render:
    items:
      - name: quarterly-report
        owner: alice
      - guid: ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5
    wait: false
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
      description: C(rendered), or C(failed) (the wrong kind of content, or a failed task).
      type: str
    changed:
      description: Whether the item was (in check mode, would be) rendered.
      type: bool
    failed:
      description: Whether this item failed.
      type: bool
    msg:
      description: C(rendered), C(would render) in check mode, or the error.
      type: str
    task:
      description:
        - The render task, C(id), C(finished), C(code) (non-zero after an error), C(error) and C(last) (lines so far).
        - Not returned in check mode or for an item that failed before its task started.
      type: dict
      returned: when the task was started
    output:
      description: For a failed task, the last lines of its output (otherwise empty).
      type: list
      elements: str
      returned: when the task was started
    error:
      description: For a failed item, the error's details (method, path, status, code) when Connect answered.
      type: dict
      returned: when the item failed on a request
  sample:
    - {"index": 0, "guid": "ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5", "name": "quarterly-report", "title": "Quarterly Report",
       "app_mode": "rmd-static", "status": "rendered", "changed": true, "failed": false, "msg": "rendered",
       "task": {"id": "jXhOhdm5OOSkGhJw", "finished": true, "code": 0, "error": "", "last": 3}, "output": []}
changed_items:
  description: The guid and name of each item that was (in check mode, would be) rendered, for a later task's O(items).
  returned: always
  type: list
  elements: dict
  sample: [{"guid": "ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5", "name": "quarterly-report"}]
changed_count:
  description: How many items were (would be) rendered.
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
from ansible_collections.posit.connect.plugins.module_utils.resources.content_ops import Render, operation_spec, run_operation


def main():
    spec = selection_spec()
    spec.update(operation_spec(), **concurrency_spec())
    module = ConnectModule(argument_spec=spec, **selection_rules())
    module.run(lambda m: run_operation(m, Render))


if __name__ == "__main__":
    main()
