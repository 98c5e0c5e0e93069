# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The content settings of connect_content (module_utils/content.py: field_argument_spec), besides owner,
    # for the modules that create or update content items along with something else (connect_deploy).
    DOCUMENTATION = r"""
options:
  title:
    description: The item's title.
    type: str
  description:
    description: The item's description.
    type: str
  access_type:
    description:
      - Who may view the item. V(all) means anyone, even anonymous visitors.
        V(logged_in) means every Connect account. V(acl) means only users and groups listed
        in its permissions.
    type: str
    choices: [all, logged_in, acl]
  locked:
    description: Whether the item is locked.
    type: bool
  locked_message:
    description: The message, in Markdown, that a locked item shows.
    type: str
  min_processes:
    description: The minimum number of processes kept running per Connect node. Must be 0 or more.
    type: int
  max_processes:
    description: The maximum number of processes per Connect node. Must be 1 or more.
    type: int
  max_conns_per_process:
    description: The maximum number of client connections per process.
    type: int
  load_factor:
    description: How aggressively new processes are started, between 0 and 1.
    type: float
  init_timeout:
    description: The maximum number of seconds that an interactive application may take to start.
    type: int
  idle_timeout:
    description: The number of seconds that a process stays alive after its last client disconnects.
    type: int
  connection_timeout:
    description: The maximum number of seconds without data sent or received on a client connection.
    type: int
  read_timeout:
    description: The maximum number of seconds without data received from a client connection.
    type: int
  run_as:
    description: The Unix user that runs the content.
    type: str
  run_as_current_user:
    description: Run processes as the Unix account of the visiting user.
    type: bool
  default_image_name:
    description: The container image to use when the bundle's manifest does not name one.
    type: str
  settings:
    description:
      - Any other writable content field, as a dict of field name and value.
        Examples are C(memory_limit), C(cpu_limit), C(default_environment_guid), C(otel_enabled),
        C(metrics_collection_enabled) and C(service_account_name).
      - Only the fields of Connect's C(UpdateContentInput) are accepted. Any other name fails the task,
        and the error lists the writable fields. Values are checked against the field's type.
      - A field may be set here or by its own option, not both.
    type: dict
  reset:
    description:
      - Field names to set to null, which makes Connect use its server default for them.
        For example, V([init_timeout, min_processes]).
      - A field may not be both set and reset.
    type: list
    elements: str
"""
