#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_user_info
short_description: List Posit Connect users
version_added: 0.1.0
description:
  - Lists the users of a Connect server, all of them or those matching the filters given.
  - Pages through every user (C(GET /v1/users), 500 per page); nothing is silently truncated.
  - Filters combine with AND; the values of one list option combine with OR.
extends_documentation_fragment: [posit.connect.connect, posit.connect.connect.listing, posit.connect.connect.file_mode, posit.connect.attributes.INFO_MODULE]
options:
  username:
    description:
      - Only the user with exactly this username (case-sensitive).
      - Mutually exclusive with O(guid) and O(prefix).
    type: str
  guid:
    description:
      - Only the user with this guid. An unknown guid returns an empty list.
      - Mutually exclusive with every other filter.
    type: str
  prefix:
    description:
      - Users whose username, first name or last name starts with this text (case-insensitive),
        as Connect's user search matches them (Connect also matches the provider key and LDAP DN).
      - Connect answers a prefix search with its first page only. When that page is full (500 users)
        the module pages through all users and matches the prefix itself, so no match is lost.
      - Mutually exclusive with O(username) and O(guid).
    type: str
  role:
    description:
      - Only users with one of these roles (Connect's C(user_role)).
    type: list
    elements: str
    choices: [administrator, publisher, viewer]
  account_status:
    description:
      - Only users with one of these account statuses. V(locked) users cannot log in;
        V(licensed) users count against the license (active recently); V(inactive) users do not.
    type: list
    elements: str
    choices: [locked, licensed, inactive]
  locked:
    description:
      - Only users who are locked (V(true)) or not locked (V(false)).
    type: bool
  inactive_since:
    description:
      - Only users whose last activity (C(active_time)) is before this time, or who never signed in.
      - An RFC3339 time such as V(2025-01-31T12:00:00Z) or a relative time such as V(-90d), V(-12h).
      - Computed from the listing (no extra request).
    type: str
"""

EXAMPLES = r"""
- name: List every user
  posit.connect.connect_user_info:
  register: all_users

- name: Find one user by username
  posit.connect.connect_user_info:
    username: alice
  register: alice

- name: Publishers and administrators who are locked
  posit.connect.connect_user_info:
    role: [publisher, administrator]
    account_status: locked
  register: locked_publishers

- name: Unlocked users who have not been active for a year (or never signed in)
  posit.connect.connect_user_info:
    locked: false
    inactive_since: -365d
  register: dormant

- name: Usernames of users whose name starts with "sm"
  posit.connect.connect_user_info:
    prefix: sm
  register: found

- name: Show them
  ansible.builtin.debug:
    msg: "{{ found.users | map(attribute='username') | list }}"

- name: Every user's username, email and last activity, written to a JSON Lines file for a license report
  posit.connect.connect_user_info:
    fields: [username, email, user_role, active_time]
    dest: /srv/reports/users.jsonl
"""

RETURN = r"""
users:
  description: The matching users, as Connect returns them (with O(fields), only those keys). Empty when none match.
  returned: unless O(dest) is set
  type: list
  elements: dict
  contains:
    guid: {description: The user's guid., type: str, sample: 6f300623-1e0c-48e6-a473-ddf630c0c0c3}
    username: {description: The user's username., type: str, sample: alice}
    email: {description: The user's email (empty for non-administrators when the server hides addresses)., type: str}
    first_name: {description: First name., type: str}
    last_name: {description: Last name., type: str}
    user_role: {description: 'V(administrator), V(publisher) or V(viewer).', type: str}
    locked: {description: Whether the user is locked., type: bool}
    confirmed: {description: Whether the user confirmed their account (password authentication)., type: bool}
    created_time: {description: When the user was created (RFC3339)., type: str}
    updated_time: {description: When the user was last updated (RFC3339)., type: str}
    active_time: {description: 'When the user was last active (RFC3339), or null.', type: str}
dest:
  description: The absolute path of the JSON Lines file of the users.
  returned: when O(dest) is set
  type: str
  sample: /srv/reports/users.jsonl
count:
  description: How many users were written to O(dest) (or would be, in check mode).
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
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import user_info


def main():
    module = ConnectModule(
        argument_spec=dict(
            username=dict(type="str"), guid=dict(type="str"), prefix=dict(type="str"),
            role=dict(type="list", elements="str", choices=["administrator", "publisher", "viewer"]),
            account_status=dict(type="list", elements="str", choices=["locked", "licensed", "inactive"]),
            locked=dict(type="bool"),
            inactive_since=dict(type="str"),
            **listing_spec()
        ),
        mutually_exclusive=[("username", "guid", "prefix"), ("guid", "role"), ("guid", "account_status")],
    )
    module.run_listing(lambda m: user_info(m.client, m.params), "users")


if __name__ == "__main__":
    main()
