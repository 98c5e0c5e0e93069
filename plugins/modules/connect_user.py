#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_user
short_description: Create, change, rename, lock and unlock Posit Connect users
version_added: 0.2.0
description:
  - Makes sure a Connect user exists with the role, email, names and lock state given. Only the options
    you set are managed; the others are left as they are.
  - Selects the user by O(username), or by O(guid) (then O(username) renames the user).
  - A missing user is created. A local account (password, SAML, OAuth2, PAM or proxied authentication) is
    created with C(POST /v1/users), with O(password) or O(user_must_set_password). With O(remote=true) the
    user is added from the server's authentication provider (LDAP, OAuth2 with Google); the directory is
    searched (C(GET /v1/users/remote)) and the one entry with exactly this username is added
    (C(PUT /v1/users) with its C(temp_ticket)); no entry or several fail, listing the candidates.
  - Connect has no user deletion; to take a user's access away, lock them (O(locked=true),
    C(POST /v1/users/{guid}/lock)). A locked user cannot sign in and their API keys are refused.
  - The batch form (O(items)) manages many users in one task; options given at the top level apply to
    every item. Items are read with one listing of all users and written concurrently.
  - The API key's user must be an administrator. The role C(posit.connect.user_offboarding) uses this module to
    lock someone who leaves, after handing off their content and removing their access.
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.WRITE_MODULE]
options:
  <<: &user  # the options of one user, at the top level and in each item
    username:
      description:
        - The user's username (case-sensitive). Selects the user, or, with O(guid), is the new username.
      type: str
    guid:
      description: Selects the user by guid, as RV(posit.connect.connect_user_info#module:users[].guid) returns it.
        A user selected by guid is never created.
      type: str
    user_role:
      description:
        - The user's role.
      type: str
      choices: [viewer, publisher, administrator]
    email:
      description: The user's email address.
      type: str
    first_name:
      description: The user's first name.
      type: str
    last_name:
      description: The user's last name.
      type: str
    locked:
      description:
        - V(true) locks the user (they cannot sign in, their API keys are refused, they count against no
          license seat); V(false) unlocks them.
      type: bool
    password:
      description:
        - The initial password of a local account created by this task (password authentication). Ignored
          for users who exist. Never logged or returned.
        - Mutually exclusive with O(user_must_set_password) and O(remote).
      type: str
    user_must_set_password:
      description:
        - Create a local account without a password; the user sets it on first sign-in.
      type: bool
    remote:
      description:
        - Create a missing user from the authentication provider's directory (LDAP, OAuth2 with Google)
          instead of as a local account.
      type: bool
  state:
    description:
      - Only V(present), since Connect cannot delete users. Lock them with O(locked=true).
    type: str
    choices: [present]
    default: present
  items:
    description:
      - The batch form. Each entry selects one user by O(items[].username) or O(items[].guid) and may set
        any of the options above; options given at the top level apply to every item (an item's own value
        wins).
      - Items that fail are listed in RV(failed_items); the others are still applied. If any item failed,
        the task fails. Mutually exclusive with O(username) and O(guid).
    type: list
    elements: dict
    suboptions: *user
  concurrency:
    description: How many users of the batch form are written at the same time (1 to 64).
    type: int
    default: 8
attributes:
  check_mode:
    details: Reads the users (and the directory, for O(remote)) and predicts every change without writing.
  diff_mode:
    details: Shows the changed fields before and after, under the username and guid.
seealso:
  - module: posit.connect.connect_user_info
  - module: posit.connect.connect_group
"""

EXAMPLES = r"""
- name: A publisher with a local account who sets their password on first sign-in
  posit.connect.connect_user:
    username: nina
    email: nina@example.com
    first_name: Nina
    user_role: publisher
    user_must_set_password: true

- name: Add a user from LDAP
  posit.connect.connect_user:
    username: jdoe
    remote: true
    user_role: viewer

- name: Rename a user
  posit.connect.connect_user:
    guid: 6f300623-1e0c-48e6-a473-ddf630c0c0c3
    username: jane.doe

- name: Lock two people who left, in one task
  posit.connect.connect_user:
    locked: true
    items:
      - username: dave
      - username: mallory
  register: locked
"""

RETURN = r"""
changed_count: {description: How many users changed (or would change)., returned: batch form, type: int}
failed_count: {description: How many users failed., returned: batch form, type: int}
failed_items: {description: 'The C(index), C(guid), C(name) and C(msg) of each failed item.', returned: batch form, type: list, elements: dict}
user:
  description:
    - The single form's user after the task, as Connect returns it (the predicted one in check mode; a
      new user's C(guid) is then null).
  returned: success, single form
  type: dict
  sample: {"guid": "6f300623-1e0c-48e6-a473-ddf630c0c0c3", "username": "nina", "user_role": "publisher",
           "email": "nina@example.com", "first_name": "Nina", "last_name": "", "locked": false}
results:
  description:
    - The batch form's entries, one per item, in order, with C(index), C(guid), C(username), C(status)
      (created, updated, unchanged, failed), C(changed), C(failed), C(msg), C(changes) (the fields sent;
      never a password) and C(diff) (with --diff).
  returned: batch form
  type: list
  elements: dict
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule
from ansible_collections.posit.connect.plugins.module_utils.resources.user import UserResource


def main():
    module = ConnectModule(**UserResource.argument_form())
    module.run(lambda m: m.reconcile(UserResource, batch=module.params["items"] is not None))


if __name__ == "__main__":
    main()
