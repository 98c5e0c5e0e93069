#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_content_spec
short_description: Plan or apply a content-as-code spec (the content_as_code role's step)
version_added: 0.1.0
description:
  - The step of the P(posit.connect.content_as_code#role) role that plans, applies or exports its spec. It runs on the
    controller, as an action plugin. Use the role rather than this module.
  - Reads O(spec_file) once, as a vars file is read. A vault-encrypted file, C(!vault) values and
    C({{ vault_... }}) templates work; text tagged C(!unsafe) (what the role's export writes for text from the server)
    stays literal. Checks the spec before any request, and sends nothing when it has problems.
  - Then brings the spec's C(integrations) (M(posit.connect.connect_oauth_integration), C(update_config=on_create)),
    C(environments) (M(posit.connect.connect_execution_environment)) and C(items) (M(posit.connect.connect_content),
    without each item's C(schedules)) to the spec, in that order.
  - Returns the drift rows, the counts and the failed items, not the spec nor one result per item.
  - With O(export=true), the other way (the role's export) - reads the server's content with
    M(posit.connect.connect_content_info) (one module run, whose ACL entries come named), makes the spec with the code of
    the P(posit.connect.cac_export#filter) and P(posit.connect.cac_spec_yaml#filter) filters, and writes it to
    O(spec_file) on the controller, with O(mode). It is C(changed) only when the file's text or mode differs; in check
    mode nothing is written; with C(--diff) the diff names the file.
options:
  spec_file:
    description:
      - The spec file (C(items), and optionally C(environments) and C(integrations)).
      - With O(export=true), the file to write, on the controller; its directory must exist. A relative path is
        relative to the playbook's directory, as when the spec is read.
    type: str
  export:
    description: Write the server's content to O(spec_file) as a spec, rather than plan or apply O(spec_file).
    type: bool
    default: false
  owner:
    description: With O(export=true), only the items of this user (username or guid).
    type: str
  name:
    description: With O(export=true), only the items with this name.
    type: str
  tags:
    description: With O(export=true), only the items carrying one of these tag paths (V(Department/Finance)).
    type: list
    elements: str
  runtimes:
    description:
      - With O(export=true), also write the spec's C(environments) (M(posit.connect.connect_execution_environment_info))
        and C(integrations) (M(posit.connect.connect_oauth_integration_info), Connect 2024.08.0 and later).
    type: bool
    default: false
  mode:
    description:
      - With O(export=true), the permissions of O(spec_file), in octal (V('0640')) or symbolic (V(u=rw,g=r)) form. The
        file is written to a temporary file in the same directory, readable by its owner alone, and renamed over
        O(spec_file) (a symbolic link there is replaced, never followed).
    type: raw
    default: '0600'
  spec:
    description: The spec's items, when there is no O(spec_file).
    type: list
    elements: raw
  purge:
    description: Sets connect_content's C(purge_tags), C(purge_environment), C(purge_permissions) and C(purge_oauth_integrations).
    type: bool
    default: false
  prune:
    description: Whether to return RV(selections), for the role's prune.
    type: bool
    default: false
  concurrency:
    description: How many requests each module sends at once.
    type: int
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.WRITE_MODULE]
attributes:
  action:
    support: full
    description: Runs on the controller, as an action plugin.
"""

EXAMPLES = r"""
- name: Plan a spec file, writing nothing
  posit.connect.connect_content_spec:
    spec_file: content.yml
  check_mode: true
  register: plan

- name: Export the content of one owner as a spec file
  posit.connect.connect_content_spec:
    export: true
    spec_file: content.yml
    owner: jdoe
"""

RETURN = r"""
problems:
  description: What is wrong with the spec (nothing was sent when not empty), naming the entry, never a value.
  returned: unless O(export=true)
  type: list
  elements: str
rows:
  description: One row per differing field (index, name, owner, guid, status, field, before, after), as the filter P(posit.connect.cac_drift#filter) gives them.
  returned: unless O(export=true)
  type: list
  elements: dict
runs:
  description:
    - For C(content), C(environments) and C(integrations), the module's C(changed), C(msg), C(changed_count),
      C(failed_count), C(failed_items) and C(matched), C(ran) (whether it answered for its items) and C(created).
    - Empty for a kind the spec does not list.
  returned: unless O(export=true)
  type: dict
total:
  description: How many items the spec lists (with O(export=true), the exported spec).
  returned: always
  type: int
environments:
  description: How many execution environments the spec lists.
  returned: always
  type: int
integrations:
  description: How many OAuth integrations the spec lists.
  returned: always
  type: int
spec_file:
  description: The path of the spec file written (or that would be, in check mode).
  returned: when O(export=true)
  type: str
unwritten:
  description:
    - What the exported spec leaves out because it cannot hold it, each with the item's C(name) and C(owner), the
      C(field), the C(value) and the C(reason), as the filter P(posit.connect.cac_export#filter) lists them.
  returned: when O(export=true)
  type: list
  elements: dict
schedules:
  description: Whether an item of the spec lists C(schedules).
  returned: unless O(export=true)
  type: bool
selections:
  description: Each spec item's C(guid), C(name), C(owner) and C(schedules), in order, when RV(schedules) or O(prune); else empty.
  returned: unless O(export=true)
  type: list
  elements: dict
"""
