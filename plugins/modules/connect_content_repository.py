#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_content_repository
short_description: Make a Posit Connect content item git-backed, change its repository, or detach it
version_added: 0.2.0
description:
  - Sets the git repository, branch and directory that Connect deploys a content item from, and whether Connect
    polls it for new commits (C(GET/PUT/PATCH/DELETE /v1/content/{guid}/repository)).
  - Idempotent. Only the options given are compared and sent; when nothing differs nothing is written.
  - The content item must exist (create it with M(posit.connect.connect_content)).
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.WRITE_MODULE]
attributes:
  check_mode:
    details: Sends no write; returns the same C(changed) and the predicted repository.
  diff_mode:
    details: Returns C(before) and C(after) of the fields that change.
options:
  guid:
    description: The content item's guid.
    type: str
  name:
    description: Selects the content item by name; set O(owner) where names repeat.
    type: str
  owner:
    description: With O(name), the username or guid of the item's owner.
    type: str
  repository:
    description: The repository's HTTPS URL. Required to make an item git-backed.
    type: str
  branch:
    description: The branch to deploy from (Connect's default is C(main)).
    type: str
  directory:
    description: The directory of the repository holding the content's C(manifest.json) (default C(.)).
    type: str
  polling:
    description: Whether Connect polls the branch and deploys new commits.
    type: bool
  state:
    description: V(present) sets the repository; V(absent) detaches the item from git (its bundles stay).
    type: str
    choices: [present, absent]
    default: present
notes:
  - Git-backed content takes no bundle uploads; detach it (O(state=absent)) before using M(posit.connect.connect_deploy).
seealso:
  - module: posit.connect.connect_deploy
"""

EXAMPLES = r"""
- name: Deploy the stock report from git, polling for new commits
  posit.connect.connect_content_repository:
    name: stock-report
    repository: https://github.com/rstudio/connect-examples
    branch: main
    directory: stock-report
    polling: true

- name: Stop polling
  posit.connect.connect_content_repository:
    name: stock-report
    polling: false

- name: Detach it from git
  posit.connect.connect_content_repository:
    name: stock-report
    state: absent
"""

RETURN = r"""
repository:
  description: The git location after the run (predicted in check mode; empty after O(state=absent)).
  returned: always
  type: dict
  sample: {"repository": "https://github.com/rstudio/connect-examples", "branch": "main", "directory": "stock-report",
           "polling": true, "last_error": "", "last_known_commit": "a8906feae5c7675b934b7d22eb5fbd12ce51f1ba"}
content:
  description: The content item's C(guid), C(name) and C(title).
  returned: always
  type: dict
diff:
  description: In diff mode, C(before) and C(after) of the fields that change.
  returned: in diff mode
  type: dict
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule
from ansible_collections.posit.connect.plugins.module_utils.resources.repository import RepositoryResource


def main():
    module = ConnectModule(
        argument_spec=dict(guid=dict(type="str"), name=dict(type="str"), owner=dict(type="str"),
                           repository=dict(type="str"), branch=dict(type="str"), directory=dict(type="str"),
                           polling=dict(type="bool"), state=dict(type="str", choices=["present", "absent"],
                                                                 default="present")),
        required_one_of=[["guid", "name"]],
        mutually_exclusive=[["guid", "name"]],
    )
    module.run(lambda m: m.reconcile(RepositoryResource))


if __name__ == "__main__":
    main()
