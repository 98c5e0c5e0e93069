#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_deploy
short_description: Deploy a bundle to a Posit Connect content item, by name and owner, only when it changed
version_added: 0.2.0
description:
  - Deploys a directory (packed into a reproducible archive) or a C(.tar.gz) bundle to a content item selected
    like M(posit.connect.connect_content) does, by O(guid) or by O(name) (with O(owner) where names repeat).
    No local state file is kept; the item is found on the server every time.
  - A missing item is created first, with the content settings given here (O(title), O(access_type),
    O(settings) ...) applied in the same run. Settings of an existing item are updated when they differ.
  - Idempotent. Connect records the C(archive_sha1) of each bundle. When the item's active bundle has the
    archive's sha1, nothing is uploaded or deployed and C(changed) is false. Otherwise the archive is uploaded
    (C(POST /v1/content/{guid}/bundles), streamed from disk), deployed (C(POST /v1/content/{guid}/deploy)) and,
    with O(wait=true), the deployment task is followed (C(GET /v1/tasks/{id}) with C(first) and C(wait)) until it
    finishes or O(wait_timeout) passes.
  - A directory is packed with its entries sorted, mtimes 0, owners 0, modes 0644 (0755 for directories and
    executables) and a gzip header without time or name, so the same files always give the same bytes.
  - A failed build fails the task with the last lines of the build's output, and says which bundle stays active.
  - The batch form (O(items), one entry per directory) reads every item with one C(GET /v1/content) and each
    active bundle with one request. Unchanged items cost nothing more; the others upload and deploy concurrently
    (at most O(concurrency) at a time), each with its own status.
extends_documentation_fragment: [posit.connect.connect, posit.connect.content_fields,
                                 posit.connect.content_fields.DEPLOY, posit.connect.attributes.WRITE_MODULE]
attributes:
  check_mode:
    details: Packs and hashes the bundle, reads the active bundle, uploads nothing and reports whether it would
      deploy.
  diff_mode:
    details: Returns C(diff) with the bundle before and after (C(sha1) and C(size), and the active C(bundle_id)),
      and any setting that changes.
options:
  guid:
    description:
      - The guid of the content item. An unknown guid fails; to create an item, give O(name) without O(guid).
      - With O(guid), O(name) is the name to give the item.
    type: str
  name:
    description:
      - Selects the item by name. If several items have this name, set O(owner).
      - When no item has this name, it is created (owned by the API key's user, or by O(owner)).
    type: str
  owner:
    description:
      - Chooses, among items of the same O(name), the one this user (username or guid) owns.
      - Also the item's owner (set when it differs; only administrators may change ownership).
    type: str
  bundle:
    description:
      - A directory holding C(manifest.json), which is packed, or a C(.tar.gz) file holding C(manifest.json) at its root.
      - Required unless O(items) is given.
    type: path
  exclude:
    description:
      - Glob patterns of files and directories to leave out of a packed directory, matched against the path relative
        to the directory and against the file name (for example V(*.log), V(data/raw)), added to the default list
        (see O(exclude_defaults)).
      - When the directory's C(manifest.json) lists its C(files), as C(rsconnect write-manifest) writes it, exactly
        those files and C(manifest.json) are packed, as Posit's publishing tools do; O(exclude) does not apply then.
      - A symbolic link that resolves outside the directory, a broken link, or a special file (a FIFO, a socket, a
        device) fails the task before any request, naming the path; leave it out with O(exclude), or fix it.
      - In the batch form, the top-level patterns apply to every item, with each item's own added.
    type: list
    elements: str
    default: []
  exclude_defaults:
    description:
      - Leave out of a packed directory what Posit's publishing tools leave out, in addition to O(exclude). These are
        version control folders (C(.git), C(.svn), C(.hg)), C(.Rproj.user), C(__pycache__), C(packrat),
        C(renv), C(rsconnect), C(rsconnect-python), environment files (C(.env*)), C(.Renviron), C(.Rhistory),
        C(.ssh), virtualenvs (C(.venv), C(venv) and any directory holding C(pyvenv.cfg)) and editor backups
        (C(*~)).
      - V(false) replaces this list with O(exclude) alone.
      - In the batch form, an item's own value overrides the top-level one.
    type: bool
    default: true
  wait:
    description:
      - Follow the deployment task until it finishes. With V(false), the task is returned as soon as it is started
        (follow it with M(posit.connect.connect_task_info)).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to follow a deployment task before failing with the output so far. The task keeps running on the server.
    type: int
    default: 600
  keep_bundles:
    description:
      - After a successful deploy, delete the item's oldest inactive bundles beyond this many.
      - Not set, no bundle is deleted.
    type: int
  items:
    description:
      - The batch form, for example one entry per directory of a repository of reports. Each entry selects one item by
        C(guid) or C(name) and gives its own O(items[].bundle).
      - Content settings, O(exclude) and O(exclude_defaults) at the top level apply to every item; an item's own values
        override them.
      - Items that fail are listed in RV(failed_items); the others are still deployed. If any item failed, the task fails.
      - Mutually exclusive with O(guid), O(name) and O(bundle).
    type: list
    elements: dict
  concurrency:
    description: The maximum number of items uploaded and deployed at once by the batch form, from 1 to 64.
    type: int
    default: 4
notes:
  - Git-backed content (see M(posit.connect.connect_content_repository)) takes no uploads; Connect refuses them.
seealso:
  - module: posit.connect.connect_content
  - module: posit.connect.connect_bundle_info
  - module: posit.connect.connect_task_info
  - name: The posit.connect.content_promote role
    description: The role that promotes items from a staging server to production.
    link: https://github.com/posit-connect-ansible/posit.connect/blob/main/docs/deploy.md#promotion-from-staging-to-production
"""

EXAMPLES = r"""
- name: Deploy the sales report; created on the first run, unchanged (no upload) when the files are the same
  posit.connect.connect_deploy:
    name: sales-report
    title: Sales report
    access_type: logged_in
    bundle: reports/sales
    exclude: ["*.log", data/raw]
    keep_bundles: 5
  register: deployed

- name: Show the build's output
  ansible.builtin.debug:
    var: deployed.output

- name: Deploy every report of the repository in one task (four uploads at a time)
  posit.connect.connect_deploy:
    owner: svc-deploy
    access_type: acl
    items:
      - name: sales-report
        bundle: reports/sales
      - name: churn-model
        bundle: models/churn
        settings:
          memory_limit: 2147483648
      - name: handbook
        bundle: build/handbook.tar.gz

- name: Start a deploy and come back for it later
  posit.connect.connect_deploy:
    guid: ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5
    bundle: app
    wait: false
  register: started
"""

RETURN = r"""
content:
  description: The item after the run (predicted in check mode; a predicted new item has no C(guid)).
  returned: when O(items) is not used
  type: dict
  sample: {"guid": "ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5", "name": "sales-report", "bundle_id": "1042"}
bundle_id:
  description: The bundle uploaded, or, when nothing changed, the active bundle. Null in check mode when it would deploy.
  returned: always
  type: str
  sample: "1042"
bundle:
  description: The archive's C(sha1) and C(size) in bytes.
  returned: always
  type: dict
  sample: {"sha1": "a2f7d13d87657df599aeeabdb70194d508cfa92f", "size": 20480}
task:
  description: The deployment task (C(id), C(finished), C(code), C(error), C(last)); with O(wait=false), as it was started.
  returned: when a bundle was deployed
  type: dict
  sample: {"id": "jXhOhdm5OOSkGhJw", "finished": true, "code": 0, "error": "", "last": 9}
output:
  description: The lines the deployment task printed.
  returned: when a bundle was deployed
  type: list
  elements: str
  sample: ["Building static content...", "Deployment completed."]
diff:
  description: In diff mode, C(before) and C(after) of the bundle (C(bundle_id), C(sha1), C(size)) and of the settings that change; a list for O(items).
  returned: in diff mode
  type: raw
results:
  description:
    - For O(items), one entry per item, in order, with C(index), C(guid), C(name), C(title), C(status) (created, updated,
      unchanged, failed), C(changed), C(failed), C(msg), C(changes), C(bundle_id), C(bundle), and C(task) and C(output)
      for the items deployed.
  returned: when O(items) is used
  type: list
  elements: dict
changed_count: {description: 'For O(items), how many items changed (or would change).', returned: when O(items) is used, type: int}
failed_count: {description: 'For O(items), how many items failed.', returned: when O(items) is used, type: int}
failed_items: {description: 'For O(items), the items that failed, each with C(index), C(guid), C(name) and C(msg).',
  returned: when O(items) is used, type: list, elements: dict}
matched:
  description: For O(items), how many items were found on the server.
  returned: when O(items) is used
  type: int
"""

from ansible_collections.posit.connect.plugins.module_utils.concepts.content_fields import field_argument_spec
from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, batch_form
from ansible_collections.posit.connect.plugins.module_utils.resources.deploy import DeployResource


def main():
    form = batch_form(
        dict(field_argument_spec(), guid=dict(type="str"), name=dict(type="str"), bundle=dict(type="path", required=True),
             exclude=dict(type="list", elements="str"), exclude_defaults=dict(type="bool")),
        ("guid", "name"),
        top_level=dict(bundle=dict(type="path"), exclude=dict(type="list", elements="str", default=[]),
                       exclude_defaults=dict(type="bool", default=True),
                       wait=dict(type="bool", default=True), wait_timeout=dict(type="int", default=600),
                       keep_bundles=dict(type="int")),
        concurrency=4,
    )
    form["mutually_exclusive"].append(["items", "bundle"])
    module = ConnectModule(pool_size=64, required_by={"guid": "bundle", "name": "bundle"}, **form)
    module.run(lambda m: m.reconcile(DeployResource))


if __name__ == "__main__":
    main()
