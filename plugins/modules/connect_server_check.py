#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_server_check
short_description: Run Posit Connect's system checks and fail on a failed check
version_added: 0.2.0
description:
  - Runs Connect's system checks (C(POST /v1/system/checks)), waits for the run to finish
    (C(GET /v1/system/checks/{id})), and returns each check's result (C(GET /v1/system/checks/{id}/results)).
    The task fails when a check did not pass. Use it after an upgrade.
  - In check mode, runs no new checks and reads the results of the newest finished run instead.
  - On a server without system checks, the task warns, checks nothing and does not fail.
  - The run is recorded by Connect, but no setting changes, so the task reports no change.
  - Administrators only.
attributes:
  check_mode:
    details: Reads the newest finished run's results; starts no run.
  diff_mode:
    support: none
    details: Changes no setting, so there is nothing to diff.
options:
  hostname:
    description: The Connect host to run the checks on, in a cluster. The default is the host that answers.
    type: str
  wait_timeout:
    description: Seconds to wait for the run to finish. A run still going then fails the task.
    type: float
    default: 300
seealso:
  - module: posit.connect.connect_server_info
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.WRITE_MODULE]
"""

EXAMPLES = r"""
- name: Check the server after the upgrade
  posit.connect.connect_server_check:
  register: checked

- name: The results of the last run, without running the checks again
  posit.connect.connect_server_check:
  check_mode: true
"""

RETURN = r"""
available:
  description: Whether the server has system checks.
  returned: always
  type: bool
run:
  description: The run (C(id), C(hostname), C(status), C(start_time), C(passed), C(failed)), or null when none was read.
  returned: always
  type: dict
checks:
  description: Each check's result.
  returned: always
  type: list
  elements: dict
  contains:
    group:
      description: The check's group (C(environment), C(r), C(python), C(email) ...).
      type: str
    test:
      description: The check's name.
      type: str
    passed:
      description: Whether it passed.
      type: bool
    output:
      description: What the check printed.
      type: str
    error:
      description: Why it failed.
      type: str
  sample: [{"group": "email", "test": "smtp", "passed": false, "output": "", "error": "The check did not pass."}]
failed_checks:
  description: The checks of RV(checks) that did not pass.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.posit.connect.plugins.module_utils.concepts.server import server_check
from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule


def main():
    module = ConnectModule(argument_spec=dict(hostname=dict(type="str"), wait_timeout=dict(type="float", default=300)))
    module.run(lambda m: server_check(m.client, m.params, m.check_mode, m.ansible.warn),
               forbidden=("Running system checks", "an administrator's API key"))


if __name__ == "__main__":
    main()
