#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_bundle_info
short_description: List a Posit Connect content item's bundles, and download one
version_added: 0.2.0
description:
  - Returns the bundles of one content item (C(GET /v1/content/{guid}/bundles)), newest first, with their id, creation
    time, size, whether each is active, the archive's sha1 and md5, and the source repository and commit of
    git-backed bundles.
  - With O(dest), also downloads the active bundle (or O(bundle_id)) to that file, streamed
    (C(GET /v1/content/{guid}/bundles/{id}/download)). Nothing on the server changes.
extends_documentation_fragment: [posit.connect.connect, posit.connect.connect.file_mode, posit.connect.attributes.INFO_MODULE]
attributes:
  check_mode:
    details: Reads as in a normal run; a download with O(dest) is made in check mode too (it changes nothing on
      the server).
  diff_mode:
    details: Nothing changes.
options:
  guid:
    description: The content item's guid.
    type: str
  name:
    description: Selects the item by name; set O(owner) where names repeat.
    type: str
  owner:
    description: With O(name), the username or guid of the item's owner.
    type: str
  bundle_id:
    description: Return (and with O(dest), download) only this bundle.
    type: str
  dest:
    description:
      - Download the active bundle, or O(bundle_id), to this file. Its directory must exist.
      - When the file already has the bundle's sha1, it is not downloaded again.
    type: path
seealso:
  - module: posit.connect.connect_deploy
"""

EXAMPLES = r"""
- name: The bundles of the sales report
  posit.connect.connect_bundle_info:
    name: sales-report
    owner: svc-deploy
  register: found

- name: Download the active bundle
  posit.connect.connect_bundle_info:
    guid: "{{ found.content.guid }}"
    dest: /tmp/sales-report.tar.gz
"""

RETURN = r"""
content:
  description: The item's C(guid), C(name), C(title) and active C(bundle_id).
  returned: always
  type: dict
  sample: {"guid": "ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5", "name": "sales-report", "title": "Sales", "bundle_id": "1042"}
bundles:
  description: The bundles, newest first (only O(bundle_id) when given).
  returned: always
  type: list
  elements: dict
  contains:
    id: {description: The bundle id., type: str}
    created_time: {description: When it was uploaded (RFC3339)., type: str}
    created_by: {description: The guid of the user who uploaded it., type: str}
    size: {description: The archive's size in bytes., type: int}
    active: {description: Whether it is the item's active bundle., type: bool}
    sha1: {description: The archive's sha1 (null for bundles uploaded before Connect recorded it)., type: str}
    md5: {description: The archive's md5., type: str}
    source: {description: C(git) for bundles fetched from a git repository., type: str}
    source_repo: {description: The repository of a git-backed bundle., type: str}
    source_branch: {description: Its branch., type: str}
    source_commit: {description: Its commit., type: str}
  sample: [{"id": "1042", "created_time": "2026-01-02T15:04:05Z", "size": 20480, "active": true,
            "sha1": "a2f7d13d87657df599aeeabdb70194d508cfa92f", "md5": "37324238a80595c453c706b22adb83d3"}]
active:
  description: The active bundle (as in RV(bundles)), or null when none is active.
  returned: always
  type: dict
dest:
  description: The file the bundle was downloaded to.
  returned: when O(dest) is given
  type: str
downloaded:
  description: Whether the file was (re)written; false when it already had the bundle's sha1.
  returned: when O(dest) is given
  type: bool
"""

from ansible_collections.posit.connect.plugins.module_utils.concepts.bundles import bundle_info
from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, file_mode_spec


def run(module):
    result = bundle_info(module.client, module.params)
    result["changed"] = module.set_file_mode(result.get("dest"), result["changed"])
    return result


def main():
    module = ConnectModule(
        argument_spec=dict(guid=dict(type="str"), name=dict(type="str"), owner=dict(type="str"),
                           bundle_id=dict(type="str"), dest=dict(type="path"), **file_mode_spec()),
        required_one_of=[["guid", "name"]],
        mutually_exclusive=[["guid", "name"]],
    )
    module.run(run)


if __name__ == "__main__":
    main()
