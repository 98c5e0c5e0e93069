#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_runtime_cache_info
short_description: List Posit Connect runtime package caches
version_added: 0.2.0
description:
  - Lists the runtime package caches (R and Python) with one C(GET /v1/system/caches/runtime), narrowed to a
    language, version or execution environment.
  - Administrators only.
options:
  language:
    description: Only the caches of this language (V(R) or V(Python), in any case).
    type: str
  version:
    description: Only the caches of this version.
    type: str
  image_name:
    description: Only the caches of this execution environment (V(Local) for the Connect host).
    type: str
seealso:
  - module: posit.connect.connect_runtime_cache
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.INFO_MODULE]
"""

EXAMPLES = r"""
- name: The Python caches
  posit.connect.connect_runtime_cache_info:
    language: python
  register: caches
"""

RETURN = r"""
caches:
  description: The caches, as Connect lists them.
  returned: success
  type: list
  elements: dict
  contains:
    language:
      description: The cache's language.
      type: str
    version:
      description: The language version.
      type: str
    image_name:
      description: The cache's execution environment.
      type: str
  sample: [{"language": "python", "version": "3.12.0", "image_name": "Local"}]
count:
  description: How many caches RV(caches) lists.
  returned: success
  type: int
"""

from ansible_collections.posit.connect.plugins.module_utils.concepts.server import runtime_caches
from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule


def run(module):
    params = module.params
    caches = runtime_caches(module.client, params["language"], params["version"], params["image_name"])
    return dict(changed=False, caches=caches, count=len(caches))


def main():
    module = ConnectModule(argument_spec=dict(language=dict(type="str"), version=dict(type="str"),
                                              image_name=dict(type="str")))
    module.run(run, forbidden=("Reading runtime caches", "an administrator's API key"))


if __name__ == "__main__":
    main()
