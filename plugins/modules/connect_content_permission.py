#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_content_permission
short_description: Grant, change or revoke a user's or group's access to one Posit Connect content item
version_added: 0.1.0
description:
  - Manages one entry of a content item's access control list (ACL), the role one user or
    group has on it (C(/v1/content/{guid}/permissions)).
  - Reads the ACL, then adds the entry when it is missing, updates its role when it differs
    (the same entry, never a duplicate), or deletes it for O(state=absent).
  - The content's owner always has full access and is never in the ACL; naming the owner as
    O(principal) fails before anything is written. Change the owner with M(posit.connect.connect_content).
  - The batch form (O(items)) manages many entries in one task, for example one user's entry on every item
    (O(principal) and O(state) at the top level, one item per content guid). The content is listed once, each
    principal looked up once, and the items' ACLs are read and written concurrently (O(concurrency)).
  - O(all_content=true) with O(principal) and O(state=absent) removes the principal from every content item's ACL
    (someone who leaves). The module lists the content itself, skips the items a user principal owns, and reads
    and writes the ACLs concurrently, one result per item.
  - The API key's user must be an administrator, the content's owner, or one of its collaborators.
options:
  <<: &entry  # the options that have no default, at the top level and in each item
    content:
      description:
        - The guid of the content item. Required unless every item of O(items) gives it.
      type: str
    principal:
      description:
        - The user (username or guid) or group (name or guid) the entry is for, as set by O(principal_type).
        - Required unless every item of O(items) gives it.
      type: str
  principal_type:
    description:
      - Whether O(principal) names a user or a group.
    type: str
    choices: [user, group]
    default: user
  role:
    description:
      - The access to grant. V(viewer) may view the content; V(owner) makes the principal a
        collaborator, who may also change and redeploy it (Connect calls this role C(owner);
        it does not transfer ownership).
      - Only publishers and administrators (or groups) can be collaborators.
      - Ignored with O(state=absent).
    type: str
    choices: [viewer, owner]
    default: viewer
  state:
    description:
      - V(present) makes sure the principal has O(role) on the content; V(absent) removes its entry.
    type: str
    choices: [present, absent]
    default: present
  items:
    description:
      - The batch form. Each entry may set O(items[].content), O(items[].principal), O(items[].principal_type),
        O(items[].role) and O(items[].state); options given at the top level apply to every item (an item's own
        value wins).
      - Items that fail are listed in RV(failed_items); the others are still applied. If any item failed, the
        task fails.
    type: list
    elements: dict
    suboptions:
      <<: *entry
      principal_type: {description: See O(principal_type)., type: str, choices: [user, group]}
      role: {description: See O(role)., type: str, choices: [viewer, owner]}
      state: {description: See O(state)., type: str, choices: [present, absent]}
  all_content:
    description:
      - Select every content item the API key's user can see, except those O(principal) owns (a user principal
        only). This is the batch form without O(items), one result per item.
      - Only with O(state=absent) and O(principal); mutually exclusive with O(content) and O(items). With any
        other state the task fails before any request.
    type: bool
    default: false
  concurrency:
    description: How many items of the batch form are read and written at the same time (1 to 64).
    type: int
    default: 8
attributes:
  diff_mode:
    details: Shows the entry (principal and role) before and after.
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.WRITE_MODULE]
"""

EXAMPLES = r"""
- name: Let the analysts group view the dashboard
  posit.connect.connect_content_permission:
    content: f2f37341-e21d-3d80-c698-a935ad614066
    principal: analysts
    principal_type: group
    role: viewer

- name: Make alice a collaborator (changes her existing viewer entry, if any)
  posit.connect.connect_content_permission:
    content: f2f37341-e21d-3d80-c698-a935ad614066
    principal: alice
    role: owner

- name: Revoke bob's access
  posit.connect.connect_content_permission:
    content: f2f37341-e21d-3d80-c698-a935ad614066
    principal: bob
    state: absent

- name: Revoke bob's access to several items, in one task
  posit.connect.connect_content_permission:
    principal: bob
    state: absent
    items:
      - content: f2f37341-e21d-3d80-c698-a935ad614066
      - content: 0d4a6b7c-2e1f-4a3b-9c8d-7e6f5a4b3c2d
  register: revoked

- name: Revoke bob's access to every content item
  posit.connect.connect_content_permission:
    principal: bob
    state: absent
    all_content: true
"""

RETURN = r"""
permission:
  description:
    - The principal's ACL entry after the task, as Connect returns it; null when there is none (O(state=absent)).
    - In check mode, the predicted entry; a new entry's C(id) is then null.
  returned: success
  type: dict
  contains:
    id:
      description: The entry's id.
      type: str
      sample: "101"
    content_guid:
      description: The content item's guid.
      type: str
    principal_guid:
      description: The user's or group's guid.
      type: str
    principal_type:
      description: V(user) or V(group).
      type: str
    role:
      description: V(viewer) or V(owner) (collaborator).
      type: str
  sample:
    id: "101"
    content_guid: f2f37341-e21d-3d80-c698-a935ad614066
    principal_guid: 6f300623-1e0c-48e6-a473-ddf630c0c0c3
    principal_type: group
    role: viewer
changed_count: {description: How many entries changed (or would change)., returned: batch form or O(all_content), type: int}
failed_count: {description: How many entries failed., returned: batch form or O(all_content), type: int}
failed_items:
  description: The C(index), C(guid), C(name) and C(msg) of each failed item.
  returned: batch form or O(all_content)
  type: list
  elements: dict
results:
  description:
    - The batch form's entries, one per item, with C(index), C(guid) and C(name) (the content), C(principal),
      C(status) (created, updated, deleted, unchanged, failed), C(changed), C(failed), C(msg), C(changes) and
      C(diff) (with --diff).
  returned: batch form or O(all_content)
  type: list
  elements: dict
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule
from ansible_collections.posit.connect.plugins.module_utils.resources.permission import PermissionResource


def main():
    module = ConnectModule(pool_size=64, **PermissionResource.argument_form())
    batch = module.params["items"] is not None or module.params["all_content"]
    module.run(lambda m: m.reconcile(PermissionResource, batch=batch))


if __name__ == "__main__":
    main()
