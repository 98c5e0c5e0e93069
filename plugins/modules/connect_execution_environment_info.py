#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_execution_environment_info
short_description: List Posit Connect execution environments (images) and the content that requests each
version_added: 0.2.0
description:
  - Lists the execution environments of a Connect server (C(GET /v1/environments)), all of them or the one of
    image O(name) or O(guid).
  - With O(include=[content]), also the content items that request each image (their C(default_image_name)),
    read with one listing of all content.
  - Needs Connect 2023.05.0 or later; on an older server the task fails naming its version. Publishers see the
    environments they may use, administrators all.
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.INFO_MODULE]
options:
  name:
    description: Only the environment of this image. Mutually exclusive with O(guid).
    type: str
  guid:
    description: Only the environment with this guid; an unknown guid returns an empty list.
    type: str
  include:
    description:
      - V(content) adds RV(environments[].content), the content items whose default image is this one.
    type: list
    elements: str
    choices: [content]
    default: []
"""

EXAMPLES = r"""
- name: Every image, with the content that asks for it
  posit.connect.connect_execution_environment_info:
    include: [content]
  register: images

- name: Images nothing asks for by default
  ansible.builtin.debug:
    msg: "{{ images.environments | rejectattr('content') | map(attribute='name') | list }}"
"""

RETURN = r"""
environments:
  description: The matching environments, as Connect returns them, in its order. Empty when none match.
  returned: always
  type: list
  elements: dict
  contains:
    guid: {description: The environment's guid., type: str}
    name: {description: The container image., type: str}
    title: {description: 'The title, or null.', type: str}
    cluster_name: {description: The cluster., type: str}
    matching: {description: 'How Connect may select the image: any, exact or none.', type: str}
    python: {description: 'The Python installations ({installations: [{version, path}]}), or null.', type: dict}
    content:
      description: The content items (guid, name, title, owner_guid) whose C(default_image_name) is this image.
      returned: when O(include) has V(content)
      type: list
      elements: dict
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule
from ansible_collections.posit.connect.plugins.module_utils.concepts.exec_environments import environment_info


def main():
    module = ConnectModule(
        argument_spec=dict(name=dict(type="str"), guid=dict(type="str"),
                           include=dict(type="list", elements="str", choices=["content"], default=[])),
        mutually_exclusive=[("name", "guid")],
    )
    module.run(lambda m: environment_info(m.client, m.params))


if __name__ == "__main__":
    main()
