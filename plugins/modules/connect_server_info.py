#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_server_info
short_description: Read a Posit Connect server's version and settings
version_added: 0.1.0
description:
  - Returns the server's version and the settings a playbook needs to branch on,
    from C(GET /__api__/server_settings), plus the API key's own user and, for an administrator's key,
    the counts of licensed users active recently (RV(server.active_users)).
options:
  include:
    description:
      - V(storage) adds RV(server.storage), the disk use of bundles (C(GET /v1/system/storage), an administrator's key).
      - V(runtimes) adds RV(server.runtimes), the R, Python and Quarto installations the server offers
        (C(GET /v1/server_settings/r), C(/python), C(/quarto)).
      - A part the server does not have, or that the key may not read, is null and the task warns.
    type: list
    elements: str
    choices: [storage, runtimes]
    default: []
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.INFO_MODULE]
"""

EXAMPLES = r"""
- name: Read the server's version
  posit.connect.connect_server_info:
    server: https://connect.example.com
    api_key: "{{ connect_api_key }}"
  register: info

- name: Use the search API only where it exists
  ansible.builtin.debug:
    msg: "Connect {{ info.server.version }}, audit search: {{ info.server.features.search_audit_logs }}"

- name: After an upgrade, which runtimes the server offers and how much disk the bundles use
  posit.connect.connect_server_info:
    include: [runtimes, storage]
  register: after_upgrade
"""

RETURN = r"""
server:
  description: What the server reports about itself.
  returned: success
  type: dict
  contains:
    version:
      description: Connect's version, or null when the server is configured to hide it.
      type: str
      sample: 2025.09.0
    version_info:
      description: The version as a list of integers, for comparisons; empty when hidden.
      type: list
      elements: int
      sample: [2025, 9, 0]
    api_url:
      description: The API root the modules use, derived from O(server).
      type: str
      sample: https://connect.example.com/__api__
    features:
      description: Endpoints the collection chooses between, found by probing the server (not by its version).
      type: dict
      sample: {"search_audit_logs": true}
    current_user:
      description: The user the API key belongs to (username, guid, user_role).
      type: dict
      sample: {"username": "admin", "guid": "1b5a8d0e-0f73-4c4b-9d0c-7c3f1c2e4d5a", "user_role": "administrator"}
    settings:
      description: The full C(server_settings) document as Connect returns it.
      type: dict
    active_users:
      description:
        - Licensed users active within the last 1, 7, 30 and 365 days (keys V(1d), V(7d), V(30d), V(365d)),
          each with C(total), C(admin), C(publisher) and C(viewer) (C(GET /v1/metrics/users/active)).
        - Null when the API key's user is not an administrator (with a warning saying so) or when the
          server has no such endpoint (older Connect).
      type: dict
      sample: {"30d": {"total": 42, "admin": 2, "publisher": 10, "viewer": 30}}
    storage:
      description: With O(include=storage), Connect's answer about disk use (C(bundles) with C(bytes_total), C(bytes_active),
        C(bytes_inactive), C(count), C(content_count)), or null.
      type: dict
      returned: when O(include) has V(storage)
      sample: {"bundles": {"bytes_total": 1048576, "bytes_active": 524288, "bytes_inactive": 524288, "count": 4, "content_count": 2}}
    runtimes:
      description: With O(include=runtimes), the installations per language (C(r), C(python), C(quarto)), each a list
        with C(version) and, where Connect gives them, C(cluster_name) and C(image_name); a language is null on a
        server without its endpoint.
      type: dict
      returned: when O(include) has V(runtimes)
      sample: {"r": [{"version": "4.3.2", "cluster_name": "Local", "image_name": "Local"}], "python": [], "quarto": []}
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule
from ansible_collections.posit.connect.plugins.module_utils.concepts.server import server_info


def main():
    module = ConnectModule(argument_spec=dict(
        include=dict(type="list", elements="str", choices=["storage", "runtimes"], default=[])))
    module.run(lambda m: server_info(m.client, m.ansible.warn, m.params["include"]))


if __name__ == "__main__":
    main()
