#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_runtime_cache
short_description: Delete Posit Connect runtime package caches
version_added: 0.2.0
description:
  - Deletes the runtime cache of a language version in an execution environment with
    C(DELETE /v1/system/caches/runtime), for example after R or Python was upgraded and no content uses the old
    version any more. Content that still uses it reinstalls its packages on its next build.
  - Reads the caches with one C(GET /v1/system/caches/runtime). A cache that is not there is C(unchanged).
  - A real delete follows Connect's task to its end (C(GET /v1/tasks/{id})). When the task fails, the item fails with
    Connect's reason; it is never reported as deleted.
  - In check mode, each delete is sent with Connect's C(dry_run), which checks the request, answers without a task
    and deletes nothing; what Connect would refuse fails the item there too.
  - Administrators only.
attributes:
  check_mode:
    details: Sends each delete with C(dry_run=true), which deletes nothing.
  diff_mode:
    details: One entry per cache deleted.
options:
  language:
    description: The cache's language, V(R) or V(Python) (in any case).
    type: str
  version:
    description: The language version, as Connect lists it (V(4.3.2), V(3.12.0)).
    type: str
  image_name:
    description:
      - The execution environment of the cache. V(Local) is the cache of content that runs on the Connect host.
      - The default is V(Local).
    type: str
  state:
    description: V(absent) deletes the cache.
    type: str
    choices: [absent]
    default: absent
  items:
    description:
      - The batch form. Each entry names one cache by C(language), C(version) and C(image_name); the top-level
        options apply to every entry that leaves them out.
    type: list
    elements: dict
    suboptions:
      language:
        description: The cache's language, V(R) or V(Python); the top-level O(language) when left out.
        type: str
      version:
        description: The language version, as Connect lists it; the top-level O(version) when left out.
        type: str
      image_name:
        description: The execution environment of the cache; the top-level O(image_name) (or V(Local)) when left out.
        type: str
  wait_timeout:
    description: Seconds to follow each delete's task. A task still running then fails the item.
    type: float
    default: 300
  concurrency:
    description: The maximum number of requests sent in parallel, from 1 to 64.
    type: int
    default: 8
seealso:
  - module: posit.connect.connect_runtime_cache_info
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.WRITE_MODULE]
"""

EXAMPLES = r"""
- name: What deleting the Python 3.8 cache would do (a dry run on the server)
  posit.connect.connect_runtime_cache:
    language: python
    version: 3.8.18
  check_mode: true

- name: Delete the old R caches
  posit.connect.connect_runtime_cache:
    language: R
    items:
      - version: 4.1.3
      - version: 4.2.1
        image_name: ghcr.io/rstudio/content-base:r4.2.1-py3.10.11-jammy
"""

RETURN = r"""
cache:
  description: Without O(items), the cache named, with C(language), C(version) and C(image_name); empty once deleted.
  returned: when O(items) is not used
  type: dict
results:
  description:
    - For O(items), one entry per cache, with C(language), C(version), C(image_name), C(status) (C(deleted),
      C(unchanged) when it was not there, C(failed)), C(changed), C(failed) and C(msg) (Connect's reason for a failure).
  returned: when O(items) is used
  type: list
  elements: dict
changed_count: {description: How many caches were (or would be) deleted., returned: when O(items) is used, type: int}
failed_count: {description: How many caches could not be deleted., returned: when O(items) is used, type: int}
failed_items: {description: 'The C(index) and C(msg) of each cache that could not be deleted.', returned: when O(items) is used,
  type: list, elements: dict}
diff:
  description: In diff mode, the cache deleted (a list, one per cache, for O(items)).
  returned: in diff mode
  type: raw
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, batch_form
from ansible_collections.posit.connect.plugins.module_utils.resources.runtime_cache import RuntimeCacheResource


def main():
    options = dict(language=dict(type="str"), version=dict(type="str"), image_name=dict(type="str"))
    form = batch_form(options, ["language", "version"],
                      top_level=dict(state=dict(type="str", choices=["absent"], default="absent"),
                                     wait_timeout=dict(type="float", default=300)))
    form["argument_spec"]["items"].pop("required_one_of")  # an entry may take language from the top level
    form["mutually_exclusive"] = []  # the top level gives what the entries leave out
    module = ConnectModule(pool_size=64, **form)
    module.run(lambda m: m.reconcile(RuntimeCacheResource),
               forbidden=("Deleting runtime caches", "an administrator's API key"))


if __name__ == "__main__":
    main()
