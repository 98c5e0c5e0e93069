#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_content
short_description: Create, update, re-own or delete Posit Connect content items, one or thousands at a time
version_added: 0.1.0
description:
  - Brings one content item, or a batch of them (O(items)), to the desired state through
    C(PATCH /v1/content/{guid}), C(POST /v1/content) and C(DELETE /v1/content/{guid}).
  - Idempotent. Reads the item, compares only the fields you set, and sends only those that differ.
    When nothing differs, nothing is written and C(changed) is false. An option left out is left as it is.
  - Read-only fields are never sent. Only the fields of Connect's C(UpdateContentInput) can be set.
  - Inputs are checked before any write. This covers field names and types, negative counts or timeouts,
    O(min_processes) greater than O(max_processes) (counting the item's current value of the one not given),
    malformed guids, and an O(owner) who does not exist or cannot own content.
  - The batch form reads the current state of all items with one C(GET /v1/content). It then sends
    concurrent requests for only the items that differ. Use it instead of a C(loop:) of one task per item.
attributes:
  diff_mode:
    details: For a batch, the diff has one entry per changed item.
options:
  guid:
    description:
      - The guid of the content item.
      - With O(state=present), an unknown guid fails. To create an item, give O(name) without O(guid).
      - With O(guid) set, O(name) is the name to give the item (a rename).
      - Mutually exclusive with O(items).
    type: str
  name:
    description:
      - Without O(guid), selects the item by name among all content that the API key can see. An administrator's key sees all content.
      - If several items have this name, set O(owner) to choose the one that user owns, or the task fails and lists their guids and owners.
      - With O(state=present) and no item of this name, the item is created.
      - Letters, digits, C(.), C(-) and C(_).
      - Mutually exclusive with O(items).
    type: str
  state:
    description:
      - V(present) makes the item exist with the given fields.
      - V(absent) deletes it. Deletion cannot be undone. If the item is already gone, nothing happens.
    type: str
    choices: [present, absent]
    default: present
  owned_by:
    description:
      - The batch form for everything one user owns. Selects every content item that this user (username or
        guid) owns, with one C(GET /v1/content?owner_guid=...), and applies the top-level options to each.
      - With O(owner), this hands all of a user's content to someone else, in one task, for example when
        someone leaves the team. The user and the new owner are checked before anything is written.
      - With O(items) too, only the listed items that this user owns are selected. Listed items owned by
        someone else are left as they are, and reported as skipped, so a re-run after a handoff changes nothing.
      - With O(state=absent), deletes every item the user owns.
      - Returns the same values as O(items).
      - Mutually exclusive with O(guid) and O(name).
    type: str
  items:
    description:
      - The batch form. Each entry selects one item by C(guid), or by C(name), and may set any of the per-item
        options above.
      - Options given at the top level apply to every item. Per field, an item's own value overrides the
        top-level one. The two C(settings) dicts are merged key by key.
      - Items that fail are listed in RV(failed_items). The others are still applied. If any item failed,
        the task fails. A second run converges.
      - Mutually exclusive with O(guid) and O(name).
    type: list
    elements: dict
  concurrency:
    description:
      - The maximum number of requests sent in parallel by the batch form, from 1 to 64.
      - Responses with HTTP 429 are retried with backoff (see O(retries)).
    type: int
    default: 8
notes:
  - Content names are unique per owner, so two owners may each have an item with the same name.
seealso:
  - module: posit.connect.connect_content_info
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.WRITE_MODULE, posit.connect.content_fields,
                                 posit.connect.content_fields.CONTENT]
"""

EXAMPLES = r"""
- name: Rename the title of one item
  posit.connect.connect_content:
    guid: ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5
    title: Word Clouds from Shakespeare

- name: Give a slow-starting application more time and keep two processes warm
  posit.connect.connect_content:
    guid: ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5
    init_timeout: 300
    min_processes: 2

- name: Undo it. Null init_timeout and min_processes so the server defaults apply again
  posit.connect.connect_content:
    guid: ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5
    reset: [init_timeout, min_processes]

- name: Return ownership to the developer (administrators only)
  posit.connect.connect_content:
    guid: ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5
    owner: jdoe

- name: Make sure a placeholder item exists, restricted to its ACL, with a memory limit
  posit.connect.connect_content:
    name: quarterly-report
    title: Quarterly report
    access_type: acl
    settings:
      memory_limit: 2147483648
  register: report

- name: Lock an item with a message
  posit.connect.connect_content:
    guid: "{{ report.content.guid }}"
    locked: true
    locked_message: "Retired: see the **new dashboard**."

- name: Move several items to a new owner at once (one GET, then PATCHes only where the owner differs)
  posit.connect.connect_content:
    owner: service-account
    concurrency: 16
    items:
      - guid: ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5
      - guid: 0d4a6b7c-2e1f-4a3b-9c8d-7e6f5a4b3c2d
        title: Sales (archived)
      - name: old-dashboard
        state: absent
  register: batch

- name: Show the items that failed
  ansible.builtin.debug:
    var: batch.failed_items
  when: batch.failed_items | default([]) | length > 0

- name: Hand everything dave owns to erin, in one task
  posit.connect.connect_content:
    owned_by: dave
    owner: erin
  register: handoff

- name: One item as code, with its tags, vanity URL, environment and whole ACL
  posit.connect.connect_content:
    name: sales-dashboard
    owner: dave
    tags: [Department/Sales, Lifecycle/Production]
    vanity_url: /sales/
    environment:
      DATABASE_URL: "{{ vault_sales_db_url }}"
      OLD_FLAG: null
    permissions:
      - {principal: alice, role: owner}
      - {principal: Finance, principal_type: group}
    purge_permissions: true

- name: Delete an item
  posit.connect.connect_content:
    guid: ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5
    state: absent
"""

RETURN = r"""
content:
  description:
    - Without O(items), the item after the change, as Connect returned it (every field).
    - In check mode, the predicted item. A predicted new item has only the fields set and no C(guid).
    - Empty after O(state=absent).
  returned: when O(items) is not used
  type: dict
  sample:
    guid: ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5
    id: "8274"
    name: shakespeare
    title: Word Clouds from Shakespeare
    access_type: acl
    owner_guid: 20a79ce3-6e87-4522-9faf-be24228800a4
    init_timeout: null
    min_processes: null
    app_mode: shiny
diff:
  description:
    - In diff mode, C(before) and C(after) of the fields that change.
    - For O(items) and O(owned_by), a list with one such dict for each changed item.
  returned: in diff mode
  type: raw
  sample: {"before": {"owner_guid": "20a79ce3-6e87-4522-9faf-be24228800a4"}, "after": {"owner_guid": "32db99f1-7d4c-47e7-878b-47c162ea8000"}}
results:
  description: For O(items), one entry per item, in the order given. For O(owned_by) alone, one entry per item the user owns.
  returned: when O(items) or O(owned_by) is used
  type: list
  elements: dict
  contains:
    index:
      description: The item's position in O(items), from 0.
      type: int
    guid:
      description: The content guid, or null for an item that was not found, or that would be created in check mode.
      type: str
    name:
      description: The content name.
      type: str
    title:
      description: The content title, before the change.
      type: str
    status:
      description:
        - What happened to the item, one of C(created), C(updated), C(deleted), C(unchanged), C(skipped) (for example
          an item of O(items) that the O(owned_by) user does not own) or C(failed). Roles read it instead of RV(results[].msg).
      type: str
    changed:
      description: Whether this item was (or, in check mode, would be) changed.
      type: bool
    failed:
      description: Whether this item failed.
      type: bool
    msg:
      description: What happened. For example C(unchanged), C(updated owner_guid, title), C(created), C(deleted), C(absent), or the error.
      type: str
    changes:
      description:
        - The fields sent, with their new values. Empty when unchanged.
        - For the facets, what is (or would be) added, updated or removed, by name. C(tags) has C(add) and C(remove)
          (tag paths), C(vanity_url) has C(path) and C(force), C(environment) has C(set) and C(remove) (names only,
          never values), C(permissions) has C(add), C(update) and C(remove) (principal names).
      type: dict
    error:
      description: For a failed item, the error's details (method, path, status, code, code_name) when Connect answered.
      type: dict
      returned: when the item failed on a request
    diff:
      description: In diff mode, C(before) and C(after) of this item's changed fields.
      type: dict
      returned: in diff mode, for changed items
  sample:
    - {"index": 0, "guid": "ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5", "name": "shakespeare", "title": "Word Clouds",
       "status": "updated", "changed": true, "failed": false, "msg": "updated owner_guid",
       "changes": {"owner_guid": "32db99f1-7d4c-47e7-878b-47c162ea8000"}}
matched:
  description: For O(items) and O(owned_by), how many items were found on the server.
  returned: when O(items) or O(owned_by) is used
  type: int
  sample: 1000
changed_count: {description: 'For O(items), how many items changed (or would change in check mode).',
  returned: when O(items) or O(owned_by) is used, type: int, sample: 12}
failed_count: {description: 'For O(items), how many items failed.', returned: when O(items) or O(owned_by) is used, type: int, sample: 0}
owned_by:
  description: For O(owned_by), the user whose content was selected.
  returned: when O(owned_by) is used
  type: dict
  sample: {"guid": "20a79ce3-6e87-4522-9faf-be24228800a4", "username": "dave"}
owner:
  description: For the batch forms with O(owner), the new owner.
  returned: when O(items) or O(owned_by) is used with O(owner)
  type: dict
  sample: {"guid": "32db99f1-7d4c-47e7-878b-47c162ea8000", "username": "erin"}
failed_items: {description: 'For O(items), the items that failed, each with C(index), C(guid), C(name) and C(msg).',
  returned: when O(items) or O(owned_by) is used, type: list, elements: dict,
  sample: [{index: 3, guid: null, name: old-dashboard, msg: 'Option ''items[3].name'': 2 content items are named ...'}]}
"""

from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule
from ansible_collections.posit.connect.plugins.module_utils.resources.content import ContentResource


def main():
    module = ConnectModule(pool_size=64, **ContentResource.argument_form())
    batch = module.params["items"] is not None or module.params["owned_by"] is not None
    module.run(lambda m: m.reconcile(ContentResource, batch=batch))


if __name__ == "__main__":
    main()
