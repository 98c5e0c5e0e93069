#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_oauth_integration_info
short_description: List Posit Connect OAuth integrations and the content that uses them
version_added: 0.2.0
description:
  - Lists the OAuth integrations of a Connect server (C(GET /v1/oauth/integrations)), all of them or those matching
    O(name), O(guid) or O(template), each with the number of content items that use it.
  - Connect never returns a secret configuration value, and neither does this module.
  - Connect serves OAuth integrations from 2024.08.0 (posit-sdk 0.17.0 gates C(Client.oauth) with
    C(requires(version="2024.08.0"))); on an older server the task fails naming its version.
  - Reading which content uses an integration (C(GET /v1/oauth/integrations/{guid}/associations)) needs an
    administrator's API key; with another key RV(integrations[].content_count) is null unless Connect reports it.
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.INFO_MODULE]
options:
  name:
    description: Only the integration with exactly this name. Mutually exclusive with O(guid).
    type: str
  guid:
    description: Only the integration with this guid. Mutually exclusive with O(name).
    type: str
  template:
    description: Only the integrations that follow this template (V(custom), V(snowflake) ...).
    type: str
  include:
    description:
      - V(associations) adds RV(integrations[].associations), the content items that use each integration.
    type: list
    elements: str
    choices: [associations]
    default: []
"""

EXAMPLES = r"""
- name: Every integration, with the content that uses it
  posit.connect.connect_oauth_integration_info:
    include: [associations]
  register: found

- name: Names of the unused integrations
  ansible.builtin.debug:
    msg: "{{ found.integrations | selectattr('content_count', 'equalto', 0) | map(attribute='name') | list }}"
"""

RETURN = r"""
integrations:
  description: The matching integrations, as Connect returns them, in its order. Empty when none match.
  returned: always
  type: list
  elements: dict
  contains:
    guid: {description: The integration's guid., type: str, sample: 22644575-a27b-4118-ad06-e24459b05126}
    name: {description: The integration's name., type: str, sample: keycloak integration}
    description: {description: The integration's description., type: str}
    template: {description: The template's key., type: str, sample: custom}
    config: {description: The configuration Connect returns (never a secret value)., type: dict}
    content_count:
      description: How many content items use the integration; null when the API key may not read it.
      type: int
    associations:
      description: The content items (C(guid), C(name), C(title)) that use the integration.
      returned: when O(include) has V(associations)
      type: list
      elements: dict
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule
from ansible_collections.posit.connect.plugins.module_utils.concepts.integrations import integration_info


def main():
    module = ConnectModule(
        argument_spec=dict(name=dict(type="str"), guid=dict(type="str"), template=dict(type="str"),
                           include=dict(type="list", elements="str", choices=["associations"], default=[])),
        mutually_exclusive=[("name", "guid")],
    )
    module.run(lambda m: integration_info(m.client, m.params),
               forbidden=("Listing the content that uses an OAuth integration", "an administrator's API key"))


if __name__ == "__main__":
    main()
