#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_group_info
short_description: List Posit Connect groups and, optionally, their members
version_added: 0.1.0
description:
  - Lists the groups of a Connect server, all of them or those matching O(name), O(guid) or O(prefix).
  - Pages through every group (C(GET /v1/groups), 500 per page); nothing is silently truncated.
  - Connect before 2025.04.0 ignores the page number of a prefix search and always answers its
    first page. On those servers (and when the server hides its version), a prefix search whose
    first page is full is completed by paging through all groups and matching the prefix on the client,
    so the module neither loops nor repeats groups.
extends_documentation_fragment: [posit.connect.connect, posit.connect.connect.listing, posit.connect.connect.file_mode, posit.connect.attributes.INFO_MODULE]
options:
  name:
    description: Only the group with exactly this name (case-sensitive). Mutually exclusive with O(guid) and O(prefix).
    type: str
  guid:
    description: Only the group with this guid; an unknown guid returns an empty list. Mutually exclusive with O(name)
      and O(prefix).
    type: str
  prefix:
    description:
      - Groups whose name starts with this text (case-insensitive), as Connect's group search
        matches them (Connect also matches an LDAP DN or the provider's group id).
      - Mutually exclusive with O(name) and O(guid).
    type: str
  members:
    description:
      - Add each group's members (C(GET /v1/groups/{guid}/members), every page) as RV(groups[].members).
      - The groups' member lists are fetched concurrently.
      - Connect cannot list the members of LDAP groups; the task then fails with Connect's error.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: One group and its members
  posit.connect.connect_group_info:
    name: Data Science
    members: true
  register: ds

- name: Usernames of its members
  ansible.builtin.debug:
    msg: "{{ ds.groups[0].members | map(attribute='username') | list }}"

- name: Groups whose name starts with "team-"
  posit.connect.connect_group_info:
    prefix: team-
  register: teams

- name: List every group
  posit.connect.connect_group_info:
  register: all_groups

- name: Every group with its members, written to a JSON Lines file
  posit.connect.connect_group_info:
    members: true
    fields: [guid, name, members]
    dest: /srv/reports/groups.jsonl
"""

RETURN = r"""
groups:
  description:
    - The matching groups, as Connect returns them, in its order. Empty when none match.
    - With O(fields), each group holds only those keys.
  returned: unless O(dest) is set
  type: list
  elements: dict
  contains:
    guid: {description: The group's guid., type: str, sample: 6f300623-1e0c-48e6-a473-ddf630c0c0c3}
    name: {description: The group's name., type: str, sample: Data Science}
    owner_guid: {description: 'The guid of the user who owns the group, or null.', type: str}
    member_count: {description: 'The number of members, when the server reports it.', type: int}
    members:
      description:
        - The group's members (user objects, as in the C(users) result of M(posit.connect.connect_user_info)).
      returned: when O(members=true)
      type: list
      elements: dict
dest:
  description: The absolute path of the JSON Lines file of the groups.
  returned: when O(dest) is set
  type: str
  sample: /srv/reports/groups.jsonl
count:
  description: How many groups were written to O(dest) (or would be, in check mode).
  returned: when O(dest) is set
  type: int
  sample: 10000
checksum:
  description: SHA-1 of the JSON Lines content (written, or that would be written in check mode).
  returned: when O(dest) is set
  type: str
  sample: 2b0e9a4d1a6f0c0c8b4a3c1b5d9f6e7a8b9c0d1e
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, listing_spec
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import group_info


def main():
    module = ConnectModule(
        argument_spec=dict(name=dict(type="str"), guid=dict(type="str"), prefix=dict(type="str"),
                           members=dict(type="bool", default=False), **listing_spec()),
        mutually_exclusive=[("name", "guid", "prefix")],
    )
    module.run_listing(lambda m: group_info(m.client, m.params), "groups")


if __name__ == "__main__":
    main()
