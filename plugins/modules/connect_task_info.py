#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_task_info
short_description: Read a Posit Connect task (a deployment's state and output), optionally waiting for it to finish
version_added: 0.2.0
description:
  - Returns one task's state and output lines (C(GET /v1/tasks/{id})), for playbooks that start a deploy with
    M(posit.connect.connect_deploy) and O(posit.connect.connect_deploy#module:wait=false) and come back for it.
  - With O(wait), follows the task (C(first) and C(wait)) until it finishes or O(wait) seconds pass.
  - Reporting only. A failed task does not fail this module; test C(task.code) or use O(fail_on_error).
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.INFO_MODULE]
attributes:
  check_mode:
    details: Reads as in a normal run.
  diff_mode:
    details: Nothing changes.
options:
  id:
    description: The task id (the C(id) of RV(posit.connect.connect_deploy#module:task)).
    type: str
    required: true
  first:
    description: The first output line to return (the C(task.last) of an earlier call, to get only new lines).
    type: int
    default: 0
  wait:
    description: Seconds to wait for the task to finish. V(0) reads it once.
    type: int
    default: 0
  fail_on_error:
    description: Fail when the task finished with a non-zero code, with its error and last lines of output.
    type: bool
    default: false
seealso:
  - module: posit.connect.connect_deploy
"""

EXAMPLES = r"""
- name: Wait up to ten minutes for a deploy started earlier
  posit.connect.connect_task_info:
    id: "{{ started.task.id }}"
    wait: 600
    fail_on_error: true
  register: task
"""

RETURN = r"""
task:
  description: The task's C(id), C(finished), C(code) (non-zero after an error), C(error) and C(last) (the number of lines so far).
  returned: always
  type: dict
  sample: {"id": "jXhOhdm5OOSkGhJw", "finished": true, "code": 0, "error": "", "last": 9}
output:
  description: The output lines from O(first).
  returned: always
  type: list
  elements: str
  sample: ["Building static content...", "Deployment completed."]
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule
from ansible_collections.posit.connect.plugins.module_utils.concepts.tasks import task_info


def main():
    module = ConnectModule(
        argument_spec=dict(
            id=dict(type="str", required=True),
            first=dict(type="int", default=0),
            wait=dict(type="int", default=0),
            fail_on_error=dict(type="bool", default=False),
        ),
    )
    module.run(lambda m: task_info(m.client, m.params))


if __name__ == "__main__":
    main()
