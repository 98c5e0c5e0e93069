#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_group
short_description: Create, rename and delete Posit Connect groups and manage their members
version_added: 0.2.0
description:
  - Makes sure a Connect group exists (or not) and, when O(members) or O(remove_members) is set, who is in it.
  - Selects the group by O(name), or by O(guid) (then O(name) renames it).
  - A missing group is created with C(POST /v1/groups) (the API key's user owns it), or with O(remote=true)
    from the authentication provider's directory (LDAP); the directory is searched (C(GET /v1/groups/remote))
    and the one entry with exactly this name is added (C(PUT /v1/groups) with its C(temp_ticket)).
  - Members are given by username or guid; every one is looked up before anything is written, and an
    unknown user fails the item. The group ends with at least O(members); O(purge_members=true) also
    removes everyone not listed.
  - Group lookups by name terminate and are complete on Connect before 2025.04.0, which ignores the page
    number of a prefix search.
  - The batch form (O(items)) manages many groups in one task; options given at the top level apply to
    every item. Items are read with one listing of all groups and written concurrently.
  - O(all_groups=true) with O(remove_members) takes the users out of every group that holds them (someone who
    leaves). The module lists the groups itself, reads the members of each group that may hold any (Connect's
    listing may leave C(member_count) out; such a group is read too) concurrently, and removes the users.
  - Creating groups needs a publisher or administrator; changing a group you do not own needs an administrator.
    Connect cannot change the members of groups its authentication provider manages (LDAP); the task then
    fails with Connect's error.
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.WRITE_MODULE]
options:
  <<: &group  # the options of one group, at the top level and in each item
    name:
      description: The group's name (case-sensitive). Selects the group, or, with O(guid), is its new name.
      type: str
    guid:
      description:
        - Selects the group by guid, as RV(posit.connect.connect_group_info#module:groups[].guid) returns it.
        - A group selected by guid is never created.
      type: str
    members:
      description:
        - Users (usernames or guids) who end up in the group. Others stay, unless O(purge_members=true).
      type: list
      elements: str
    remove_members:
      description:
        - Users (usernames or guids) who end up outside the group, for example someone who leaves.
      type: list
      elements: str
  purge_members:
    description:
      - Also remove the members not listed in O(members).
    type: bool
    default: false
  remote:
    description:
      - Create a missing group from the authentication provider's directory (LDAP) instead of locally.
    type: bool
    default: false
  state:
    description:
      - V(present) makes sure the group exists; V(absent) deletes it (its members and ACL entries go with it).
    type: str
    choices: [present, absent]
    default: present
  items:
    description:
      - The batch form. Each entry selects one group by O(items[].name) or O(items[].guid) and may set the
        options above; options given at the top level apply to every item (an item's own value wins).
      - Items that fail are listed in RV(failed_items); the others are still applied. If any item failed,
        the task fails. Mutually exclusive with O(name) and O(guid).
    type: list
    elements: dict
    suboptions:
      <<: *group
      state:
        description: V(present) or V(absent) for this group. Defaults to the top-level O(state).
        type: str
        choices: [present, absent]
      purge_members: {description: See O(purge_members). Defaults to the top-level value., type: bool}
      remote: {description: See O(remote). Defaults to the top-level value., type: bool}
  all_groups:
    description:
      - Select every group, for O(remove_members) only. This is the batch form without O(items), one result per
        group (those that report no members are left out).
      - Needs O(remove_members); mutually exclusive with O(name), O(guid), O(items) and O(members), and with
        O(state=absent) and O(purge_members=true). Otherwise the task fails before any request.
    type: bool
    default: false
  concurrency:
    description: How many groups of the batch form are written at the same time (1 to 64).
    type: int
    default: 8
attributes:
  check_mode:
    details: Reads the groups and their members and predicts every change without writing.
  diff_mode:
    details: Shows the changed fields and the member usernames before and after.
seealso:
  - module: posit.connect.connect_group_info
  - module: posit.connect.connect_user
"""

EXAMPLES = r"""
- name: The analysts group with at least these members
  posit.connect.connect_group:
    name: Analysts
    members: [alice, bob]

- name: Exactly these members
  posit.connect.connect_group:
    name: Analysts
    members: [alice, carol]
    purge_members: true

- name: Take dave out of two groups
  posit.connect.connect_group:
    remove_members: [dave]
    items:
      - name: Data Science
      - name: Finance

- name: Take dave out of every group
  posit.connect.connect_group:
    remove_members: [dave]
    all_groups: true

- name: Add a group from LDAP
  posit.connect.connect_group:
    name: ldap-auditors
    remote: true

- name: Rename a group
  posit.connect.connect_group:
    guid: 6f300623-1e0c-48e6-a473-ddf630c0c0c3
    name: Analytics
"""

RETURN = r"""
group:
  description:
    - The single form's group after the task (guid, name, owner_guid, member_count), as Connect returns it;
      null after O(state=absent). In check mode the predicted group (a new group's C(guid) is null).
  returned: success, single form
  type: dict
  sample: {"guid": "6f300623-1e0c-48e6-a473-ddf630c0c0c3", "name": "Analysts",
           "owner_guid": "1b5a8d0e-0f73-4c4b-9d0c-7c3f1c2e4d5a", "member_count": 2}
changed_count: {description: How many groups changed (or would change)., returned: batch form or O(all_groups), type: int}
failed_count: {description: How many groups failed., returned: batch form or O(all_groups), type: int}
failed_items:
  description: The C(index), C(guid), C(name) and C(msg) of each failed item.
  returned: batch form or O(all_groups)
  type: list
  elements: dict
results:
  description:
    - The batch form's entries, one per item, with C(index), C(guid), C(name), C(status) (created, updated,
      deleted, unchanged, failed), C(changed), C(failed), C(msg), C(changes) (C(members) lists the usernames
      added and removed) and C(diff) (with --diff).
  returned: batch form or O(all_groups)
  type: list
  elements: dict
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule
from ansible_collections.posit.connect.plugins.module_utils.resources.group import GroupResource


def main():
    module = ConnectModule(**GroupResource.argument_form())
    batch = module.params["items"] is not None or module.params["all_groups"]
    module.run(lambda m: m.reconcile(GroupResource, batch=batch))


if __name__ == "__main__":
    main()
