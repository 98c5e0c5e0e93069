# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re


def _items(item_options, *shared):
    """`items` suboptions: the item's own options, then the shared top-level ones without their defaults.

    A top-level default would override every item, so an item's option has none: the top-level value applies
    where the item leaves it out (module_utils: field_argument_spec and facet_argument_spec(item=True)).
    """
    nested = re.sub(r"(?m)^(?=.)", "    ", "".join(shared))
    return "\n  items:\n    suboptions:" + item_options + re.sub(r"(?m)^        default: .*\n", "", nested)


# The content fields (module_utils/concepts/content_query.py: field_argument_spec), besides owner, which each module words itself.
FIELDS = r"""
  title:
    description: The item's title.
    type: str
  description:
    description: The item's description.
    type: str
  access_type:
    description:
      - Who may view the item. V(all) means anyone, even anonymous visitors.
        V(logged_in) means every Connect account. V(acl) means only users and groups listed
        in its permissions.
    type: str
    choices: [all, logged_in, acl]
  locked:
    description: Whether the item is locked.
    type: bool
  locked_message:
    description: The message, in Markdown, that a locked item shows.
    type: str
  min_processes:
    description: The minimum number of processes kept running per Connect node. Must be 0 or more.
    type: int
  max_processes:
    description: The maximum number of processes per Connect node. Must be 1 or more.
    type: int
  max_conns_per_process:
    description: The maximum number of client connections per process.
    type: int
  load_factor:
    description: How aggressively new processes are started, between 0 and 1.
    type: float
  init_timeout:
    description: The maximum number of seconds that an interactive application may take to start.
    type: int
  idle_timeout:
    description: The number of seconds that a process stays alive after its last client disconnects.
    type: int
  connection_timeout:
    description: The maximum number of seconds without data sent or received on a client connection.
    type: int
  read_timeout:
    description: The maximum number of seconds without data received from a client connection.
    type: int
  run_as:
    description: The Unix user that runs the content.
    type: str
  run_as_current_user:
    description: Run processes as the Unix account of the visiting user.
    type: bool
  default_image_name:
    description: The container image to use when the bundle's manifest does not name one.
    type: str
  settings:
    description:
      - Any other writable content field, as a dict of field name and value.
        Examples are C(memory_limit), C(cpu_limit), C(default_environment_guid), C(otel_enabled),
        C(metrics_collection_enabled) and C(service_account_name).
      - Only the fields of Connect's C(UpdateContentInput) are accepted. Any other name fails the task,
        and the error lists the writable fields. Values are checked against the field's type.
      - A field may be set here or by its own option, not both.
    type: dict
  reset:
    description:
      - Field names to set to null, which makes Connect use its server default for them.
        For example, V([init_timeout, min_processes]).
      - A field may not be both set and reset.
    type: list
    elements: str
"""

# The options of connect_content for an item's tags, vanity URL, environment, ACL and OAuth integrations, and its owner
# (module_utils/resources/content_facets.py: facet_argument_spec).
FACETS = r"""
  owner:
    description:
      - The new owner, by username or user guid. Sets C(owner_guid).
      - The owner must be a publisher or administrator. Only administrators may change ownership.
      - An unknown user or a viewer fails the task before anything is written.
      - With O(name) matching several items, also chooses the one that this user owns.
    type: str
  tags:
    description:
      - Tag paths the item carries, with C(/) between a tag and its parents, for example V(Department/Finance).
      - The item ends with at least these tags (Connect also adds a tag's parents below its category). With
        O(purge_tags=true), tags not listed are removed too.
      - A tag that does not exist fails the item before any write; create tags with M(posit.connect.connect_tag).
        A top-level tag (a category) cannot be put on content.
      - Left as it is when not given. The batch form reads every item's tags in its one C(GET /v1/content).
    type: list
    elements: str
  purge_tags:
    description: With O(tags), also remove the tags not listed.
    type: bool
    default: false
  vanity_url:
    description:
      - The item's vanity path, such as V(/sales/); normalised as Connect does, with a leading and a trailing slash.
        V("") removes the vanity URL.
      - A path that another item holds fails the item before any write, naming that item, unless
        O(force_vanity_url=true). A path Connect forbids (characters other than letters, digits, C(-), C(_) and C(/),
        reserved prefixes such as C(/connect/), an ancestor or descendant of another item's path) fails before any write.
      - Publishers may set the vanity URL of items they can change (Connect's default).
    type: str
  force_vanity_url:
    description: Move O(vanity_url) to this item when another item holds it (Connect's C(force)).
    type: bool
    default: false
  environment:
    description:
      - Environment variables of the item, as a dict of name and value. A null value removes the variable.
      - Connect returns the names of an item's variables, never their values. So a missing name is set, and a name
        that exists is left alone unless O(overwrite_environment=true). With O(purge_environment=true), names not
        listed are removed.
      - Values are never shown. Results, diffs, warnings and errors carry names only; the diff masks values.
    type: dict
  overwrite_environment:
    description:
      - Send the value of every variable in O(environment), also of names that already exist.
      - Connect cannot tell whether a value differs, so the item is then reported changed on every run.
    type: bool
    default: false
  purge_environment:
    description: With O(environment), also remove the variables not listed.
    type: bool
    default: false
  permissions:
    description:
      - ACL entries of the item. The item's ACL ends with at least these. With O(purge_permissions=true) principals not
        listed are removed (never the owner).
      - Checked before any write, as M(posit.connect.connect_content_permission) does. A viewer cannot be a
        collaborator (role V(owner)), and the owner is not in the ACL.
    type: list
    elements: dict
    suboptions:
      principal:
        description: A username, group name or guid.
        type: str
        required: true
      principal_type:
        description: Whether O(permissions[].principal) is a user or a group.
        type: str
        choices: [user, group]
        default: user
      role:
        description: V(viewer), or V(owner) for a collaborator.
        type: str
        choices: [viewer, owner]
        default: viewer
  purge_permissions:
    description: With O(permissions), also remove the principals not listed (never the owner).
    type: bool
    default: false
  oauth_integrations:
    description:
      - OAuth integrations the item is associated with, by name or guid (M(posit.connect.connect_oauth_integration)
        manages them). The item ends with at least these; with O(purge_oauth_integrations=true), exactly these.
      - Connect replaces an item's whole list when it is written, so the module sends the union of the current and
        the listed ones, and nothing when they are already there. An unknown name fails the item before any write.
      - Connect before 2025.07.0 associates at most one integration with an item; more fails before any write,
        naming the server's version. Connect serves integrations from 2024.08.0.
      - Only interactive content (Shiny, Dash, Streamlit, APIs ...) takes integrations; Connect refuses others.
      - Read per item (C(GET /v1/content/{guid}/oauth/integrations/associations)), only when given.
    type: list
    elements: str
  purge_oauth_integrations:
    description: With O(oauth_integrations), also remove the associations not listed.
    type: bool
    default: false
"""


class ModuleDocFragment(object):
    """The variants below are built from FIELDS and FACETS after the class.

    ansible-test's yamllint sanity test reads a fragment's class attributes as string literals, so built ones are
    set on the class instead; tests/unit/test_docs.py lints every variant with the same yamllint rules.
    """


# The content fields, at the top level: connect_content and connect_deploy.
ModuleDocFragment.DOCUMENTATION = "options:" + FIELDS

# connect_content: its owner and facet options, and the suboptions of its `items`.
ModuleDocFragment.CONTENT = "options:" + FACETS + _items(r"""
      guid: {description: "The item's guid. Set O(items[].name) too to rename the item.", type: str}
      name:
        description: Without O(items[].guid), selects the item by name. If no item has this name, it is created (when present).
        type: str
      state: {description: V(present) or V(absent) for this item. Defaults to the top-level O(state)., type: str, choices: [present, absent]}
""", FIELDS, FACETS)

# connect_deploy: the suboptions of its `items`.
ModuleDocFragment.DEPLOY = "options:" + _items(r"""
      guid: {description: The item's guid., type: str}
      name: {description: Selects the item by name; created when missing., type: str}
      owner: {description: See O(owner)., type: str}
      bundle: {description: See O(bundle)., type: path, required: true}
      exclude: {description: Patterns added to the top-level O(exclude) for this item., type: list, elements: str}
      exclude_defaults: {description: See O(exclude_defaults). Defaults to the top-level value., type: bool}
""", FIELDS)
