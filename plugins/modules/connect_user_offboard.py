#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_user_offboard
short_description: Offboard a Posit Connect user who leaves, in one task
version_added: 0.2.0
description:
  - For a person who leaves, in this order, so that a run interrupted at any point is finished by running the task
    again (and a second run changes nothing). First it hands their content to O(to), as
    M(posit.connect.connect_content) with O(posit.connect.connect_content#module:owned_by) does (with its check that
    the new owner does not already own an item of the same name). Then it removes them from every content item's
    access list, as M(posit.connect.connect_content_permission) with
    O(posit.connect.connect_content_permission#module:all_content) does, and takes them out of every group, as
    M(posit.connect.connect_group) with O(posit.connect.connect_group#module:all_groups) does. Last it locks their
    account, as M(posit.connect.connect_user) with O(posit.connect.connect_user#module:locked=true) does; a locked
    user cannot sign in and their API keys are refused.
  - The four steps run in one module process, which saves the fixed cost of three more module tasks. Each returns
    what that module returns (RV(handoff), RV(access), RV(groups), RV(lock)), and sends the same requests.
  - The user and the new owner are checked before anything is written; the task then fails and changes nothing. An
    unknown O(user) or O(to), a new owner who may not own content (a viewer, a locked user), O(to) naming the user
    who leaves, and O(to) missing while the user owns content (the result then says how many items in RV(owned)).
  - Items that fail (for example a name clash) are listed in their step's C(failed_items); the other items and the
    later steps still run. A step that fails as a whole (for example its listing) is returned with C(failed) and
    C(msg) only; the later steps still run (the account is still locked). The task then fails at the end, with one
    line per failed step in RV(failures).
  - The API key's user must be an administrator.
extends_documentation_fragment: [posit.connect.connect, posit.connect.attributes.WRITE_MODULE]
options:
  user:
    description: The user who leaves, a username or a user guid.
    type: str
    required: true
  to:
    description:
      - Who receives their content, a username or a user guid (a publisher or an administrator).
      - Required when the user owns any content; the task then fails before writing anything.
    type: str
  remove_access:
    description: Remove the user from every content item's access list (ACL).
    type: bool
    default: true
  remove_groups:
    description:
      - Take the user out of every group. The groups that report no members are not read; Connect's group list may
        leave C(member_count) out (2024.08 and 2025.04 do), and then the members of every group are read.
    type: bool
    default: true
  lock:
    description: Lock the user's account (last).
    type: bool
    default: true
  concurrency:
    description: How many items each step reads and writes at the same time (1 to 64).
    type: int
    default: 8
attributes:
  check_mode:
    details: Reads everything the four steps read and predicts every change without writing.
  diff_mode:
    details: Returns the diffs of the four steps, each naming its object (content item, ACL entry, group, user).
seealso:
  - module: posit.connect.connect_content
  - module: posit.connect.connect_content_permission
  - module: posit.connect.connect_group
  - module: posit.connect.connect_user
"""

EXAMPLES = r"""
- name: Offboard dave, handing his content to erin
  posit.connect.connect_user_offboard:
    user: dave
    to: erin

- name: What would change (nothing is written)
  posit.connect.connect_user_offboard:
    user: dave
    to: erin
  check_mode: true
  diff: true

- name: Hand off and lock only; keep the access lists and the groups
  posit.connect.connect_user_offboard:
    user: 1b5a8d0e-0f73-4c4b-9d0c-7c3f1c2e4d5a
    to: erin
    remove_access: false
    remove_groups: false
"""

RETURN = r"""
user:
  description: The user who leaves, C(guid) and C(username).
  returned: success, and a failure after the user was found
  type: dict
  sample: {"guid": "1b5a8d0e-0f73-4c4b-9d0c-7c3f1c2e4d5a", "username": "dave"}
to:
  description: The new owner of their content, C(guid) and C(username); null when O(to) is not set.
  returned: success, and a failure after the new owner was found
  type: dict
  sample: {"guid": "4c2e9f0a-5d7b-4e1a-8b3c-2f6d9e0a1b7c", "username": "erin"}
owned:
  description: How many content items the user owns, when the task stopped because O(to) is missing or names them.
  returned: when the task stopped before any write for O(to)
  type: int
handoff:
  description:
    - The handoff's result, as M(posit.connect.connect_content) with O(posit.connect.connect_content#module:owned_by)
      returns it, C(changed_count), C(failed_count), C(failed_items) (C(index), C(guid), C(name), C(msg)), C(matched),
      C(msg), and C(results), one entry per item with C(guid), C(name), C(title), C(status), C(changed), C(failed),
      C(msg), C(changes) and C(diff) (with --diff).
  returned: when the steps ran
  type: dict
access:
  description:
    - The removal from every access list, as M(posit.connect.connect_content_permission) with
      O(posit.connect.connect_content_permission#module:all_content) returns it (the same keys as RV(handoff); each
      entry's C(guid) and C(name) are the content item's).
    - With C(failed) and C(msg) only when the step failed as a whole; with C(skipped) when O(remove_access=false).
  returned: when the steps ran
  type: dict
groups:
  description:
    - The removal from every group, as M(posit.connect.connect_group) with
      O(posit.connect.connect_group#module:all_groups) returns it (the same keys as RV(handoff); each entry's
      C(guid) and C(name) are the group's).
    - With C(failed) and C(msg) only when the step failed as a whole; with C(skipped) when O(remove_groups=false).
  returned: when the steps ran
  type: dict
lock:
  description:
    - The lock, as M(posit.connect.connect_user) returns it (C(changed), C(user), C(diff) with --diff).
    - With C(failed) and C(msg) when it failed; with C(skipped) when O(lock=false).
  returned: when the steps ran
  type: dict
locked:
  description: Whether this task locked the account (or would, in check mode); false when it was already locked.
  returned: when the steps ran
  type: bool
failures:
  description: One line per failed step, C(handoff), C(access), C(groups) or C(lock), then its message; empty when all
    went well.
  returned: when the steps ran
  type: list
  elements: str
  sample: ["groups: GET /v1/groups answered with an HTML page"]
"""

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.engine.module import ConnectModule, concurrency_spec
from ansible_collections.posit.connect.plugins.module_utils.resources.content import ContentResource
from ansible_collections.posit.connect.plugins.module_utils.resources.group import GroupResource
from ansible_collections.posit.connect.plugins.module_utils.resources.permission import PermissionResource
from ansible_collections.posit.connect.plugins.module_utils.resources.user import UserResource

# connect_content's options that the handoff sets from this module's: its errors name this module's options
HANDOFF_OPTIONS = dict(owned_by="user", owner="to")


def step(module, resource_class, batch, params):
    """One step through the reconcile engine, with the options of that resource's own module; a step that fails as a
    whole is returned as {failed, msg} (and the error's details), so that the later steps still run."""
    try:
        return module.reconcile(resource_class, batch, params)
    except (InputError, ConnectError) as exc:
        result = dict(getattr(exc, "result", {}), failed=True, msg=str(exc))
        if exc.to_dict():
            result["error"] = exc.to_dict()
        return result


def handoff(module, params):
    """The handoff, which also finds the user and the new owner: an error (bad input, or its listing) stops the task
    before any write, named after this module's options."""
    try:
        options = dict(owned_by=params["user"], owner=params["to"], concurrency=params["concurrency"])
        return module.reconcile(ContentResource, True, options)
    except InputError as exc:
        if exc.option in HANDOFF_OPTIONS:
            raise InputError("Option '%s': %s" % (HANDOFF_OPTIONS[exc.option], exc.reason))
        raise


def user_of(found):
    return dict(guid=found.get("guid"), username=found.get("username")) if found else None


def offboard(module):
    params = module.params
    for option in ("user", "to"):
        if params[option] is not None and not params[option].strip():
            raise InputError("Option '%s' must not be empty: give a username or a user guid%s." % (
                option, "" if option == "user" else ", or leave it out when the user owns no content"))
    handed = handoff(module, params)
    user, to = user_of(handed["owned_by"]), user_of(handed.get("owner"))
    # The handoff wrote nothing in these two cases: without `to` nothing is asked of the items, and an owner who
    # already owns them changes none of them.
    stop = None
    if to is not None and to["guid"] == user["guid"]:
        stop = "names %s, the user who leaves; set it to the colleague who receives their content" % user["username"]
    elif to is None and handed["matched"] > 0:
        stop = ("is required: %s owns %d content items. Set 'to' to the publisher or administrator who receives them"
                % (user["username"], handed["matched"]))
    if stop:
        error = InputError("Option 'to' %s. Nothing was changed." % stop)
        error.result = dict(user=user, to=to, owned=handed["matched"])
        raise error

    concurrency, guid = params["concurrency"], user["guid"]
    later = (  # (step, the option that turns it off, resource, batch form, that resource's module's options)
        ("access", "remove_access", PermissionResource, True,
         dict(principal=guid, state="absent", all_content=True, concurrency=concurrency)),
        ("groups", "remove_groups", GroupResource, True,
         dict(remove_members=[guid], all_groups=True, concurrency=concurrency)),
        ("lock", "lock", UserResource, False, dict(guid=guid, locked=True)))
    steps = dict(handoff=handed)
    for name, option, resource_class, batch, options in later:
        steps[name] = step(module, resource_class, batch, options) if params[option] else \
            dict(skipped=True, changed=False, msg="%s is false" % option)
    order = ["handoff"] + [row[0] for row in later]
    lock = steps["lock"]
    result = dict(steps, user=user, to=to, changed=any(steps[name].get("changed") for name in order),
                  locked=bool(lock.get("changed") and not lock.get("failed")),
                  failures=["%s: %s" % (name, steps[name].get("msg")) for name in order if steps[name].get("failed")])
    if module.diff_mode:  # each step's diffs, in the order of the steps
        result["diff"] = []
        for name in order:
            shown = steps[name].get("diff") or []
            result["diff"] += shown if isinstance(shown, list) else [shown]
    if result["failures"]:
        result.update(failed=True, msg="; ".join(result["failures"]))
    else:
        result["msg"] = "%s %s: %d content items handed off%s, removed from %d access lists and %d groups, %s." % (
            "Would offboard" if module.check_mode else "Offboarded", user["username"], handed["changed_count"],
            " to %s" % to["username"] if to else "", steps["access"].get("changed_count", 0),
            steps["groups"].get("changed_count", 0), "account locked" if result["locked"] else "account not locked now")
    return result


def main():
    module = ConnectModule(
        argument_spec=dict(user=dict(type="str", required=True), to=dict(type="str"),
                           remove_access=dict(type="bool", default=True), remove_groups=dict(type="bool", default=True),
                           lock=dict(type="bool", default=True), **concurrency_spec()),
        pool_size=64)
    module.run(offboard)


if __name__ == "__main__":
    main()
