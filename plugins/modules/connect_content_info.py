#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_content_info
short_description: List Posit Connect content items with their owners, tags and permissions
version_added: 0.1.0
description:
  - Returns the content items that the API key can see, as Connect returns them from C(GET /v1/content).
    An administrator's key sees all content.
  - Filters combine. O(name) and O(owner) are applied by the server. O(id), O(app_mode) and
    O(access_type) are applied to the list that the server returns.
  - Always returns a list, even for one O(guid). An unknown guid returns an empty list.
options:
  guid:
    description: Only the item with this guid (C(GET /v1/content/{guid})).
    type: str
  name:
    description: Only items with this name. Names are unique per owner, so several owners may each have one.
    type: str
  owner:
    description:
      - Only items owned by this user, by username or user guid. The server filters on C(owner_guid).
      - An unknown username fails the task.
    type: str
  id:
    description:
      - Only the item with this numeric id, as audit logs show it (C(content_id)). Use it to map an id to a guid.
      - No Connect endpoint takes the id, so the content list is read and filtered.
    type: int
  app_mode:
    description: Only items with one of these app modes, such as V(shiny), V(quarto-static), V(python-fastapi) or V(static).
    type: list
    elements: str
  access_type:
    description: Only items with one of these access types.
    type: list
    elements: str
    choices: [all, logged_in, acl]
  include:
    description:
      - Details to add to each item. V(owner) adds C(owner) (the owner's username, first and last name).
        V(tags) adds C(tags), each tag with its C(path) from the category down (V(Department/Finance)).
        V(permissions) adds C(permissions), the item's access control list from
        C(GET /v1/content/{guid}/permissions), fetched for all items concurrently.
      - V(vanity_url) adds C(vanity_url), the item's vanity URL, to the items that have one (in the one listing;
        before Connect 2024.06 from one C(GET /v1/vanities), which needs an administrator's key).
      - V(environment) adds C(environment), the names of the item's environment variables (never their values,
        which Connect does not return), from C(GET /v1/content/{guid}/environment), fetched concurrently.
      - V(schedule) adds C(schedules), Connect's schedules of the item (one per scheduled variant; empty for an item
        without one), in the one listing. M(posit.connect.connect_schedule_info) gives them with their history.
      - V(oauth_integrations) adds C(oauth_integrations), the names of the OAuth integrations associated with the
        item, from C(GET /v1/content/{guid}/oauth/integrations/associations), fetched concurrently (Connect 2024.08.0
        and later; on an older server, which has no OAuth integrations, the items come without C(oauth_integrations)).
    type: list
    elements: str
    choices: [owner, tags, permissions, vanity_url, environment, schedule, oauth_integrations]
    default: []
  concurrency:
    description:
      - The maximum number of per-item reads sent in parallel for O(include=permissions), O(include=environment) and
        O(include=oauth_integrations), from 1 to 64.
    type: int
    default: 8
seealso:
  - module: posit.connect.connect_content
extends_documentation_fragment: [posit.connect.connect, posit.connect.connect.listing, posit.connect.connect.file_mode, posit.connect.attributes.INFO_MODULE]
"""

EXAMPLES = r"""
- name: List all content with owners and permissions (administrator key)
  posit.connect.connect_content_info:
    include: [owner, tags, permissions]
  register: all_content

- name: Map the numeric content id of an audit log entry to the item
  posit.connect.connect_content_info:
    id: 8274
  register: found

- name: Show its guid
  ansible.builtin.debug:
    msg: "{{ found.content | map(attribute='guid') | first | default('no such item') }}"

- name: Shiny applications of one owner that anyone may view
  posit.connect.connect_content_info:
    owner: jdoe
    app_mode: [shiny, python-shiny]
    access_type: [all]

- name: One item by guid
  posit.connect.connect_content_info:
    guid: ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5

- name: Only the guid, name and title of every item (a small result is fast)
  posit.connect.connect_content_info:
    fields: [guid, name, title, owner_guid]
  register: inventory

- name: An inventory report of any size, written to a JSON Lines file instead of the result
  posit.connect.connect_content_info:
    include: [owner]
    fields: [guid, name, title, owner, last_deployed_time]
    dest: /srv/reports/content.jsonl
"""

RETURN = r"""
content:
  description:
    - The matching items, as Connect returns them, with every field (including C(guid) and the numeric C(id)).
    - C(owner), C(tags), C(permissions), C(vanity_url), C(environment), C(schedules) and C(oauth_integrations) are
      added when O(include) asks for them.
    - Each C(permissions) entry carries C(principal_name), the username or group name beside C(principal_guid).
    - With O(fields), each item holds only those keys.
  returned: unless O(dest) is set
  type: list
  elements: dict
  sample:
    - guid: f2f37341-e21d-3d80-c698-a935ad614066
      id: "8274"
      name: Performance-Data-1671216053560
      title: Performance Data
      app_mode: quarto-static
      access_type: logged_in
      owner_guid: 20a79ce3-6e87-4522-9faf-be24228800a4
      owner: {"guid": "20a79ce3-6e87-4522-9faf-be24228800a4", "username": "jdoe", "first_name": "Jo", "last_name": "Doe"}
      permissions:
        - {"id": "94", "content_guid": "f2f37341-e21d-3d80-c698-a935ad614066", "principal_guid": "5b6f05d1-1fea-480b-b8fa-51aec687a0bd",
           "principal_type": "user", "principal_name": "alice", "role": "viewer"}
dest:
  description: The absolute path of the JSON Lines file of the content items.
  returned: when O(dest) is set
  type: str
  sample: /srv/reports/content.jsonl
count:
  description: How many content items were written to O(dest) (or would be, in check mode).
  returned: when O(dest) is set
  type: int
  sample: 10000
checksum:
  description: SHA-1 of the JSON Lines content (written, or that would be written in check mode).
  returned: when O(dest) is set
  type: str
  sample: 2b0e9a4d1a6f0c0c8b4a3c1b5d9f6e7a8b9c0d1e
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, concurrency_spec, listing_spec
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import content_info
from ansible_collections.posit.connect.plugins.module_utils.concepts.integrations import add_integration_names


def main():
    module = ConnectModule(
        argument_spec=dict(
            guid=dict(type="str"),
            name=dict(type="str"),
            owner=dict(type="str"),
            id=dict(type="int"),
            app_mode=dict(type="list", elements="str"),
            access_type=dict(type="list", elements="str", choices=["all", "logged_in", "acl"]),
            include=dict(type="list", elements="str", default=[], choices=[
                "owner", "tags", "permissions", "vanity_url", "environment", "schedule", "oauth_integrations"]),
            **dict(concurrency_spec(), **listing_spec())
        ),
        pool_size=64,
    )
    module.run_listing(find, "content")


def find(module):
    items = content_info(module.client, module.params, module.params["concurrency"])
    if "oauth_integrations" in module.params["include"]:
        items = add_integration_names(module.client, items, module.params["concurrency"])
    return dict(changed=False, content=items)


if __name__ == "__main__":
    main()
