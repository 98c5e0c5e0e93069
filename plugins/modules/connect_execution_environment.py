#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_execution_environment
short_description: Declare Posit Connect execution environments (images) and who may use them
version_added: 0.2.0
description:
  - Makes sure a Connect execution environment (the container image content runs in with off-host execution)
    exists with the title, description, matching, supervisor and installations given, or does not exist.
  - Selects the environment by its image O(name), or by O(guid).
  - Connect updates an environment by replacing it (C(PUT /v1/environments/{guid})), so the module reads it,
    merges the options given into what Connect reported and sends the whole; an option not given is kept.
  - Installations (O(python), O(r), O(quarto), O(tensorflow), O(nodejs)) compare as sets of version and path;
    their order does not matter. An empty list means none.
  - An environment that Connect manages from its configuration file (Connect reports C(managed_by)) cannot be
    changed or deleted through the API; the item fails before any write, naming C(managed_by).
  - O(nodejs) and O(volume_mounts) are compared only on a server that reports them. Elsewhere they are sent when the
    environment is created and with every other change of it, never alone, and the task warns; there an update of
    an environment that does not declare them resets them, as Connect replaces the whole environment.
  - Needs Connect 2023.05.0 or later (the environments API) and an administrator's API key; O(permissions) need
    Connect 2025.05.0 or later, and the task fails before any write on an older server, naming its version.
  - The batch form (O(items)) manages many environments in one task, read with one listing.
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.WRITE_MODULE]
options:
  <<: &environment  # the options of one environment, at the top level and in each item
    name:
      description:
        - The container image (for example V(ghcr.io/rstudio/content-base:r4.4.1-py3.12.4-ubuntu2204)). Selects the
          environment; Connect holds one environment per image, and cannot rename one.
      type: str
    guid:
      description: Selects the environment by guid. An environment selected by guid is never created.
      type: str
    cluster_name:
      description:
        - The cluster of a new environment (Connect's default V(Kubernetes)). Connect cannot move an environment
          to another cluster; giving another cluster for an existing one fails before any write.
      type: str
    title:
      description: The human readable title. An empty string clears it.
      type: str
    description:
      description: The human readable description. An empty string clears it.
      type: str
    matching:
      description:
        - How Connect may select the image; V(any) automatically or when a bundle asks for it, V(exact) only when
          a bundle asks for it, V(none) never.
      type: str
      choices: [any, exact, none]
    supervisor:
      description: The program supervisor script that runs content in this image. An empty string clears it.
      type: str
    python:
      description:
        - The Python installations of the image, each a version and an absolute path to the executable.
      type: list
      elements: dict
      suboptions: &installation
        version: {description: The interpreter's version., type: str, required: true}
        path: {description: The absolute path to its executable., type: str, required: true}
    r:
      description: The R installations of the image, as O(python).
      type: list
      elements: dict
      suboptions: *installation
    quarto:
      description: The Quarto installations of the image, as O(python).
      type: list
      elements: dict
      suboptions: *installation
    tensorflow:
      description: The TensorFlow installations of the image, as O(python).
      type: list
      elements: dict
      suboptions: *installation
    nodejs:
      description: The Node.js installations of the image, as O(python), where the server reports them.
      type: list
      elements: dict
      suboptions: *installation
    volume_mounts:
      description:
        - The volume mounts of the image, each with a C(source) (C(volume_type), C(nfs_host), C(nfs_export_path),
          C(pvc_name)) and a C(target) (C(path), C(read_only)), as Connect takes them; where the server reports them.
        - They compare as a set.
      type: list
      elements: dict
    permissions:
      description:
        - Who may use the image; Connect lets every publisher use an environment with no permissions. The
          environment ends with at least these; O(purge_permissions=true) also removes the others.
      type: list
      elements: dict
      suboptions:
        principal: {description: A username or group name (or guid)., type: str, required: true}
        principal_type:
          description: Whether O(permissions[].principal) names a user or a group.
          type: str
          choices: [user, group]
          default: user
  purge_permissions:
    description: Also remove the permissions not listed in O(permissions).
    type: bool
    default: false
  state:
    description: V(present) makes sure the environment exists; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  items:
    description:
      - The batch form. Each entry selects one environment by O(items[].name) or O(items[].guid) and may set the
        options above; options given at the top level apply to every item (an item's own value wins).
      - Items that fail are listed in RV(failed_items); the others are still applied. Mutually exclusive with
        O(name) and O(guid).
    type: list
    elements: dict
    suboptions:
      <<: *environment
      state:
        description: V(present) or V(absent) for this environment. Defaults to the top-level O(state).
        type: str
        choices: [present, absent]
      purge_permissions: {description: See O(purge_permissions). Defaults to the top-level value., type: bool}
  concurrency:
    description: How many environments of the batch form are written at the same time (1 to 64).
    type: int
    default: 8
attributes:
  check_mode:
    details: Reads the environments (and their permissions when set) and predicts every change without writing.
  diff_mode:
    details: Shows the changed fields, each installation list and the permissions by name, before and after.
seealso:
  - module: posit.connect.connect_execution_environment_info
"""

EXAMPLES = r"""
- name: An image with Python and R, selected automatically
  posit.connect.connect_execution_environment:
    name: ghcr.io/rstudio/content-base:r4.4.1-py3.12.4-ubuntu2204
    title: R 4.4.1, Python 3.12.4
    matching: any
    python:
      - {version: 3.12.4, path: /opt/python/3.12.4/bin/python3}
    r:
      - {version: 4.4.1, path: /opt/R/4.4.1/bin/R}

- name: Only the finance team may use this image
  posit.connect.connect_execution_environment:
    name: ghcr.io/example/finance:2026.01
    permissions:
      - {principal: Finance, principal_type: group}
    purge_permissions: true

- name: Every image of the platform team, in one task
  posit.connect.connect_execution_environment:
    matching: exact
    items:
      - name: ghcr.io/example/gpu:12.4
        tensorflow: [{version: 2.16.1, path: /opt/python/3.11/bin/python3}]
      - name: ghcr.io/example/legacy:2022
        state: absent
"""

RETURN = r"""
environment:
  description:
    - The single form's environment after the task, as Connect returns it; null after O(state=absent). In check
      mode the predicted one (a new environment's C(guid) is null).
  returned: success, single form
  type: dict
  sample: {"guid": "25438b83-ea6d-4839-ae8e-53c52ac5f9ce", "name": "ghcr.io/rstudio/content-base:r4.4.1-py3.12.4",
           "cluster_name": "Kubernetes", "title": "R 4.4.1, Python 3.12.4", "matching": "any",
           "python": {"installations": [{"version": "3.12.4", "path": "/opt/python/3.12.4/bin/python3"}]}}
changed_count: {description: How many environments changed (or would change)., returned: batch form, type: int}
failed_count: {description: How many environments failed., returned: batch form, type: int}
failed_items: {description: 'The C(index), C(guid), C(name) and C(msg) of each failed item.', returned: batch form, type: list, elements: dict}
results:
  description:
    - The batch form's entries, one per item, with C(index), C(guid), C(name), C(status) (created, updated,
      deleted, unchanged, failed), C(changed), C(failed), C(msg), C(changes) and C(diff) (with --diff).
  returned: batch form
  type: list
  elements: dict
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, batch_form
from ansible_collections.posit.connect.plugins.module_utils.resources.exec_environment import ExecEnvironmentResource

STATES = ["present", "absent"]


def installations():
    return dict(type="list", elements="dict", options=dict(version=dict(type="str", required=True),
                                                           path=dict(type="str", required=True)))


def environment_options():
    return dict(
        name=dict(type="str"), guid=dict(type="str"), cluster_name=dict(type="str"),
        title=dict(type="str"), description=dict(type="str"), supervisor=dict(type="str"),
        matching=dict(type="str", choices=["any", "exact", "none"]),
        python=installations(), r=installations(), quarto=installations(), tensorflow=installations(),
        nodejs=installations(),
        volume_mounts=dict(type="list", elements="dict"),
        permissions=dict(type="list", elements="dict", options=dict(
            principal=dict(type="str", required=True),
            principal_type=dict(type="str", choices=["user", "group"], default="user"))),
    )


def main():
    module = ConnectModule(**batch_form(
        dict(environment_options(), state=dict(type="str", choices=STATES), purge_permissions=dict(type="bool")),
        ("name", "guid"),
        top_level=dict(state=dict(type="str", choices=STATES, default="present"),
                       purge_permissions=dict(type="bool", default=False)),
    ))
    module.run(lambda m: m.reconcile(ExecEnvironmentResource))


if __name__ == "__main__":
    main()
