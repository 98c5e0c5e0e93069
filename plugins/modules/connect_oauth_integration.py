#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_oauth_integration
short_description: Create, update and delete Posit Connect OAuth integrations and decide who may use them
version_added: 0.2.0
description:
  - Makes sure an OAuth integration exists (or not), with its description, configuration and access list.
    Content reaches a warehouse or cloud (Snowflake, Databricks, Azure, AWS ...) through an integration
    associated with it (see O(posit.connect.connect_content#module:oauth_integrations)).
  - Selects the integration by O(name), or by O(guid) (then O(name) renames it).
  - Connect serves OAuth integrations from 2024.08.0 (posit-sdk 0.17.0 gates C(Client.oauth) with
    C(requires(version="2024.08.0"))). On an older server the task fails naming its version, before any write.
  - Managing integrations needs an administrator's API key; another key fails before any write (in check mode too).
  - The batch form (O(items)) manages many integrations in one task, read with one listing.
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.WRITE_MODULE]
options:
  <<: &integration  # the options of one integration, at the top level and in each item
    name:
      description: The integration's name. Selects the integration, or, with O(guid), is its new name.
      type: str
    guid:
      description:
        - Selects the integration by guid. An integration selected by guid is never created.
      type: str
    description:
      description: The integration's description.
      type: str
    template:
      description:
        - The key of the template the integration follows (V(custom), V(snowflake), V(databricks), V(azure) ...;
          M(posit.connect.connect_oauth_integration_info) lists the integrations, C(GET /v1/oauth/templates) the
          templates). Required to create one; Connect cannot change it afterwards.
      type: str
    config:
      description:
        - The configuration, as the template defines it (for example C(client_id), C(client_secret),
          C(auth_mode), C(scopes)); every value is text.
        - It holds secrets that Connect never returns, so it cannot be fully compared; see O(update_config).
          Its values are never shown in results or diffs.
      type: dict
    permissions:
      description:
        - Who may use the integration. Others stay, unless O(purge_permissions=true).
          An integration without entries may be used by every publisher.
      type: list
      elements: dict
      suboptions:
        principal:
          description: A username or group name (or guid).
          type: str
          required: true
        principal_type:
          description: Whether O(permissions[].principal) is a user or a group.
          type: str
          choices: [user, group]
          default: user
  update_config:
    description:
      - V(on_create) sends O(config) when the integration is created, and afterwards only when a key that Connect
        returns (not a secret) differs. V(always) sends it on every run, and the integration is reported changed.
    type: str
    choices: [on_create, always]
    default: on_create
  purge_permissions:
    description:
      - Also remove the access entries not listed in O(permissions).
      - Connect servers that do not report an integration's access list (its C(permissions)) cannot be compared;
        there O(permissions) is sent when the integration is created, and afterwards left as it is with a warning,
        unless O(purge_permissions=true), which sends exactly the entries given on every run (reported changed).
    type: bool
    default: false
  verify:
    description:
      - Run Connect's test of a service-account integration on every run, changed or not (in check mode too, for
        an existing integration; the test changes nothing). A failed test fails the item with Connect's reason.
    type: bool
    default: false
  force:
    description:
      - Delete an integration that content uses (Connect removes the associations). Without it, such a delete
        fails and lists the items that would lose the integration.
    type: bool
    default: false
  state:
    description: V(present) makes sure the integration exists; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  items:
    description:
      - The batch form. Each entry selects one integration by O(items[].name) or O(items[].guid) and may set the
        options above; options given at the top level apply to every item (an item's own value wins).
      - Items that fail are listed in RV(failed_items); the others are still applied. Mutually exclusive with
        O(name) and O(guid).
    type: list
    elements: dict
    suboptions:
      <<: *integration
      state:
        description: V(present) or V(absent) for this integration. Defaults to the top-level O(state).
        type: str
        choices: [present, absent]
      update_config:
        description: See O(update_config). Defaults to the top-level value.
        type: str
        choices: [on_create, always]
      purge_permissions: {description: See O(purge_permissions). Defaults to the top-level value., type: bool}
      verify: {description: See O(verify). Defaults to the top-level value., type: bool}
      force: {description: See O(force). Defaults to the top-level value., type: bool}
  concurrency:
    description: How many integrations of the batch form are written at the same time (1 to 64).
    type: int
    default: 8
attributes:
  check_mode:
    details: Reads the integrations and predicts every change without writing (O(verify) still runs Connect's test).
  diff_mode:
    details: Shows the changed fields, the configuration keys sent (values masked) and the access list by name.
seealso:
  - module: posit.connect.connect_oauth_integration_info
  - module: posit.connect.connect_content
"""

EXAMPLES = r"""
- name: A Snowflake integration for the analysts
  posit.connect.connect_oauth_integration:
    name: Snowflake (analytics)
    template: custom
    description: Analysts' warehouse
    config:
      auth_mode: Confidential
      client_id: "{{ snowflake_client_id }}"
      client_secret: "{{ vault_snowflake_client_secret }}"
      authorization_uri: https://example.snowflakecomputing.com/oauth/authorize
      token_uri: https://example.snowflakecomputing.com/oauth/token-request
      scopes: refresh_token session:role:ANALYST
    permissions:
      - principal: Analysts
        principal_type: group

- name: Rotate the client secret
  posit.connect.connect_oauth_integration:
    name: Snowflake (analytics)
    config:
      client_secret: "{{ vault_new_client_secret }}"
    update_config: always

- name: Test a service-account integration on every run
  posit.connect.connect_oauth_integration:
    name: Databricks service account
    verify: true

- name: Delete an integration even though content uses it
  posit.connect.connect_oauth_integration:
    name: Old warehouse
    state: absent
    force: true
"""

RETURN = r"""
integration:
  description:
    - The single form's integration after the task, as Connect returns it (never a secret value); null after
      O(state=absent). In check mode the predicted one (a new integration's C(guid) is null), with the
      configuration values sent shown as C(********).
  returned: success, single form
  type: dict
  sample: {"guid": "22644575-a27b-4118-ad06-e24459b05126", "name": "Snowflake (analytics)", "template": "custom",
           "description": "Analysts' warehouse", "config": {"auth_mode": "Confidential", "client_id": "abc"}}
verified:
  description: Whether Connect's test passed on this run (O(verify=true) only).
  returned: when O(verify=true), single form
  type: bool
associations:
  description: The content items (C(guid), C(name), C(title)) that lost the integration when it was deleted.
  returned: when an integration in use is deleted, single form
  type: list
  elements: dict
changed_count: {description: How many integrations changed (or would change)., returned: batch form, type: int}
failed_count: {description: How many integrations failed., returned: batch form, type: int}
failed_items: {description: 'The C(index), C(guid), C(name) and C(msg) of each failed item.', returned: batch form, type: list, elements: dict}
results:
  description:
    - The batch form's entries, one per item, with C(index), C(guid), C(name), C(status) (created, updated,
      deleted, unchanged, failed), C(changed), C(failed), C(msg), C(changes) (configuration values masked,
      C(permissions) by name), C(verified), C(associations) and C(diff) (with --diff).
  returned: batch form
  type: list
  elements: dict
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, batch_form
from ansible_collections.posit.connect.plugins.module_utils.resources.oauth_integration import OAuthIntegrationResource

STATES = ["present", "absent"]
UPDATE_CONFIG = ["on_create", "always"]


def integration_options():
    return dict(
        name=dict(type="str"),
        guid=dict(type="str"),
        description=dict(type="str"),
        template=dict(type="str"),
        config=dict(type="dict", no_log=True),
        permissions=dict(type="list", elements="dict", options=dict(
            principal=dict(type="str", required=True),
            principal_type=dict(type="str", choices=["user", "group"], default="user"))),
    )


def main():
    flags = ("purge_permissions", "verify", "force")
    module = ConnectModule(**batch_form(
        dict(integration_options(), state=dict(type="str", choices=STATES),
             update_config=dict(type="str", choices=UPDATE_CONFIG), **dict((f, dict(type="bool")) for f in flags)),
        ("name", "guid"),
        top_level=dict(state=dict(type="str", choices=STATES, default="present"),
                       update_config=dict(type="str", choices=UPDATE_CONFIG, default="on_create"),
                       **dict((f, dict(type="bool", default=False)) for f in flags)),
    ))
    forbidden = ("Managing OAuth integrations", "an administrator's API key")
    module.run(lambda m: m.reconcile(OAuthIntegrationResource), forbidden=forbidden)


if __name__ == "__main__":
    main()
