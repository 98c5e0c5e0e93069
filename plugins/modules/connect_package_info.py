#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_package_info
short_description: Which Posit Connect content uses which R and Python packages, and which versions
version_added: 0.1.0
description:
  - Returns the packages installed for content items, one row per item and package, joined with each item's
    title, name, owner username and URLs. Answers questions such as "which apps still use requests below 2.32"
    in one task.
  - Pages through C(GET /v1/packages) (with Connect's C(name) filter when O(name) is set), or reads
    C(GET /v1/content/{guid}/packages) for the one item O(content); then reads C(GET /v1/content) once
    for the titles and owners.
  - Connect lists no packages for content that manages its own R or Python environment
    (C(r_environment_management) or C(py_environment_management) false), nor for content never deployed.
  - Use an administrator's API key to cover all content; with another key the rows are what Connect lets that
    key see.
options:
  name:
    description:
      - Only this package, for example V(requests) or V(shiny).
      - R names are compared exactly (they are case-sensitive); Python names after PEP 503 normalization,
        so V(Requests) and V(requests) are the same package. Connect's own filter receives the name as given.
    type: str
  language:
    description:
      - Only packages of this language.
    type: str
    choices: [python, r]
  version:
    description:
      - Only rows whose version matches this specifier, for example V(<2.32), V(>=1.0,<2) or V(==1.0.0).
      - Python versions are compared with the C(packaging) library's rules (PEP 440 specifiers, including
        V(~=1.4) and V(==1.0.*)). Pre-releases are compared too, by PEP 440 (V(<2.32) matches 2.31.0rc1 but not 2.32.0rc1).
      - "R versions follow R's C(package_version) rule: numbers separated by C(.) or C(-) (V(1.6-5) is 1.6.5),
        compared number by number, a shorter version sorting before a longer one it starts (1.2 < 1.2.0). The
        specifier is one or more comma-separated clauses with C(==), C(!=), C(<), C(<=), C(>), C(>=), all of which
        must hold."
      - Without O(language) the specifier must be valid under both rules; a version that does not parse under
        its language's rule never matches.
    type: str
  content:
    description:
      - Only the packages of the content item with this guid (C(GET /v1/content/{guid}/packages)).
    type: str
  summarize:
    description:
      - Also return RV(summary), per package the versions in use and how many items use each.
    type: bool
    default: false
  concurrency:
    description:
      - The maximum number of per-item reads sent in parallel, from 1 to 64. Connect's C(GET /v1/packages) rows
        may not name their content item; then each item's packages are read with
        C(GET /v1/content/{guid}/packages) instead.
    type: int
    default: 8
notes:
  - The module never reports C(changed).
seealso:
  - module: posit.connect.connect_content_info
extends_documentation_fragment: [posit.connect.connect, posit.connect.connect.listing, posit.connect.connect.file_mode, posit.connect.attributes.INFO_MODULE]
"""

EXAMPLES = r"""
- name: Which apps still use requests below 2.32
  posit.connect.connect_package_info:
    name: requests
    language: python
    version: "<2.32"
  register: old_requests

- name: Show them
  ansible.builtin.debug:
    msg: "{{ old_requests.packages | map(attribute='title') | unique | list }}"

- name: Every package of one item
  posit.connect.connect_package_info:
    content: f2f37341-e21d-3d80-c698-a935ad614066

- name: The versions of shiny in use, and how many items use each
  posit.connect.connect_package_info:
    name: shiny
    language: r
    summarize: true
  register: shiny

- name: Every package row of every item, written to a JSON Lines file
  posit.connect.connect_package_info:
    dest: /srv/reports/packages.jsonl
"""

RETURN = r"""
packages:
  description: One row per content item and package, in Connect's order (by language, then package name).
    With O(fields), each row holds only those keys.
  returned: unless O(dest) is set
  type: list
  elements: dict
  contains:
    language: {description: V(python) or V(r)., type: str}
    language_version: {description: The version of R or Python the item uses., type: str}
    name: {description: The package name., type: str}
    version: {description: The package version., type: str}
    hash: {description: The R package's description hash; null for Python., type: str}
    bundle_id: {description: The bundle that installed the package., type: str}
    content_id: {description: The item's numeric id., type: str}
    content_guid: {description: The item's guid., type: str}
    content_name: {description: The item's name., type: str}
    title: {description: The item's title (null when untitled)., type: str}
    owner_username: {description: The username of the item's owner., type: str}
    content_url: {description: The item's URL., type: str}
    dashboard_url: {description: The item's page in Connect's dashboard., type: str}
  sample:
    - language: python
      language_version: 3.11.7
      name: requests
      version: 2.31.0
      hash: null
      bundle_id: "1021"
      content_id: "18"
      content_guid: 0d8b2f4e-6a1c-4f3e-9b7d-2c5a8e1f0b3d
      content_name: recommendation-api
      title: Recommendation API
      owner_username: alice
      content_url: https://connect.example.com/content/0d8b2f4e-6a1c-4f3e-9b7d-2c5a8e1f0b3d/
      dashboard_url: https://connect.example.com/connect/#/apps/0d8b2f4e-6a1c-4f3e-9b7d-2c5a8e1f0b3d
count:
  description: The number of rows in RV(packages), or written to O(dest).
  returned: always
  type: int
  sample: 12
summary:
  description: Per package (by language, then name) the versions in use, in version order, and how many items use each.
  returned: when O(summarize=true)
  type: list
  elements: dict
  sample:
    - language: python
      name: requests
      items: 12
      versions:
        - version: 2.28.2
          items: 3
        - version: 2.32.3
          items: 9
dest:
  description: The absolute path of the JSON Lines file of the package rows.
  returned: when O(dest) is set
  type: str
  sample: /srv/reports/packages.jsonl
checksum:
  description: SHA-1 of the JSON Lines content (written, or that would be written in check mode).
  returned: when O(dest) is set
  type: str
  sample: 2b0e9a4d1a6f0c0c8b4a3c1b5d9f6e7a8b9c0d1e
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, concurrency_spec, listing_spec
from ansible_collections.posit.connect.plugins.module_utils.concepts.packages import PACKAGING_IMPORT_ERROR, package_info


def main():
    module = ConnectModule(
        argument_spec=dict(
            name=dict(type="str"),
            language=dict(type="str", choices=["python", "r"]),
            version=dict(type="str"),
            content=dict(type="str"),
            summarize=dict(type="bool", default=False),
            **dict(concurrency_spec(), **listing_spec())
        ),
        libraries=dict(packaging=PACKAGING_IMPORT_ERROR),
    )
    module.run_listing(lambda m: package_info(m.client, m.params), "packages")


if __name__ == "__main__":
    main()
