#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_tag
short_description: Create or delete tags of Posit Connect's tag tree, by path
version_added: 0.2.0
description:
  - Makes tags exist (or not) in Connect's tag tree, each given by its path, the names from the category down with
    C(/) between them (V(Department/Finance)). Missing parents are created as needed.
  - Reads the whole tree with one C(GET /v1/tags), then creates with C(POST /v1/tags) only the tags that are missing,
    and deletes with C(DELETE /v1/tags/{id}) only those that exist. Idempotent.
  - Deleting a tag deletes its child tags and removes it from the content that carries it. A tag that has children or
    tagged content is therefore deleted only with O(force=true); otherwise the task fails before any write.
  - Only administrators may create and delete tags. Put tags on content with the O(posit.connect.connect_content#module:tags)
    option of M(posit.connect.connect_content).
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.WRITE_MODULE]
attributes:
  check_mode:
    details: Sends no write request. Returns the same C(changed), and the tags a real run would produce (a new tag's
      C(id) is null).
  diff_mode:
    details: Returns C(diff) with the tag's path and id before and after; for O(paths), one entry per changed tag.
options:
  path:
    description:
      - The tag's path, such as V(Department/Finance). A path of one name is a category (a top-level tag).
      - Mutually exclusive with O(paths).
    type: str
  paths:
    description:
      - Several tag paths, reconciled in one task (one read of the tree). Results are returned per path.
      - Mutually exclusive with O(path).
    type: list
    elements: str
  state:
    description: V(present) creates the tags (and their parents) that are missing; V(absent) deletes those that exist.
    type: str
    choices: [present, absent]
    default: present
  force:
    description: With O(state=absent), also delete a tag that has child tags or tagged content.
    type: bool
    default: false
  concurrency:
    description: The maximum number of requests sent in parallel for O(paths), from 1 to 64.
    type: int
    default: 8
seealso:
  - module: posit.connect.connect_content
"""

EXAMPLES = r"""
- name: The tags the content spec uses
  posit.connect.connect_tag:
    paths:
      - Department/Finance
      - Department/Sales
      - Lifecycle/Production
      - Lifecycle/Deprecated

- name: Retire a tag and untag its content
  posit.connect.connect_tag:
    path: Lifecycle/Deprecated
    state: absent
    force: true
"""

RETURN = r"""
tag:
  description: With O(path), the tag after the task (C(id), C(name), C(parent_id), C(path)); empty after O(state=absent).
  returned: when O(path) is used
  type: dict
  sample: {"id": "12", "name": "Finance", "parent_id": "3", "path": "Department/Finance"}
diff:
  description: In diff mode, the tag's C(path) and C(id) before and after; for O(paths), a list of them.
  returned: in diff mode
  type: raw
results:
  description: With O(paths), one entry per path, in the order given.
  returned: when O(paths) is used
  type: list
  elements: dict
  contains:
    index:
      description: The path's position in O(paths), from 0.
      type: int
    path:
      description: The tag's path.
      type: str
    id:
      description: The tag's id (null for a tag that would be created in check mode, or that does not exist).
      type: str
    status:
      description: V(created), V(deleted), V(unchanged) or V(failed).
      type: str
    changed:
      description: Whether this tag was (or would be) created or deleted.
      type: bool
    failed:
      description: Whether this path failed.
      type: bool
    msg:
      description: What happened, or the error.
      type: str
  sample: [{"index": 0, "path": "Department/Finance", "id": "12", "status": "unchanged", "changed": false}]
changed_count: {description: 'With O(paths), how many tags changed.', returned: when O(paths) is used, type: int}
failed_count: {description: 'With O(paths), how many paths failed.', returned: when O(paths) is used, type: int}
failed_items: {description: 'With O(paths), the paths that failed, each with C(index) and C(msg).',
  returned: when O(paths) is used, type: list, elements: dict}
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, concurrency_spec
from ansible_collections.posit.connect.plugins.module_utils.resources.tag import TagResource


def main():
    module = ConnectModule(
        argument_spec=dict(
            path=dict(type="str"),
            paths=dict(type="list", elements="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            force=dict(type="bool", default=False),
            **concurrency_spec()
        ),
        required_one_of=[["path", "paths"]],
        mutually_exclusive=[["path", "paths"]],
    )
    module.run(lambda m: m.reconcile(TagResource, batch=module.params["paths"] is not None))


if __name__ == "__main__":
    main()
