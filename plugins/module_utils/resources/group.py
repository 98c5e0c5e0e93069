# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_group's resource: Connect groups, selected by name or guid, and their members (a Facet).

Reads: the single form looks its group up (principals.list_groups, which terminates and is complete on
servers before 2025.04 that ignore page_number with prefix); a batch lists every group once. The members
are read only for items that set members or remove_members. `all_groups` (with remove_members) makes the batch every
listed group but those that report no members (member_count may be missing: such a group's members are read).
Writes: POST /v1/groups (or, with `remote`,
GET /v1/groups/remote and PUT /v1/groups with its temp_ticket), PATCH /v1/groups/{guid} for a rename,
DELETE /v1/groups/{guid}, and member POST/DELETE.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.engine.module import batch_form
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Facet, Resource
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import (
    UserCache,
    group_members,
    list_groups,
    require_remote,
)


STATES = ["present", "absent"]


def group_options():
    """The options of one group, at the top level and in each item."""
    return dict(
        name=dict(type="str"),
        guid=dict(type="str"),
        members=dict(type="list", elements="str"),
        purge_members=dict(type="bool"),
        remove_members=dict(type="list", elements="str"),
        remote=dict(type="bool"),
    )


def _guid(group):
    return (group or {}).get("guid")


class Members(Facet):
    """The group's users. Wanted: dict(add=[users], remove=[users], purge=bool), users resolved in resolve.

    The group ends with at least `add`, without `remove`, and with purge without anyone not in `add`.
    """

    name = "members"

    def read(self, engine, item):
        # what the plan, the diff and the summary read of a member: at 2,000 groups of 50,000 users, the rest of each
        # user record would be held for every group until the task ends
        return group_members(engine.client, item.current["guid"], keys=("guid", "username"))

    def plan(self, engine, item, current, wanted):
        have = dict((u["guid"], u) for u in current or [])
        add = list(dict((u["guid"], u) for u in wanted["add"] if u["guid"] not in have).values())  # once each
        keep = set(u["guid"] for u in wanted["add"])
        gone = set(u["guid"] for u in wanted["remove"])
        remove = [u for g, u in have.items() if g in gone or (wanted["purge"] and g not in keep)]
        return dict(add=add, remove=remove) if add or remove else None

    def apply(self, engine, item, operations):
        guid = _guid(item.result) or _guid(item.current)
        for user in operations["add"]:
            engine.client.post("v1/groups/%s/members" % guid, body=dict(user_guid=user["guid"]))
        for user in operations["remove"]:
            engine.client.delete("v1/groups/%s/members/%s" % (guid, user["guid"]))
        if item.result is not None and "member_count" in item.result:
            item.result = dict(item.result, member_count=item.result["member_count"] + len(operations["add"])
                               - len(operations["remove"]))

    def summary(self, operations):
        return dict((op, sorted(u.get("username") for u in users)) for op, users in operations.items() if users)

    def end(self, current, wanted, operations):
        removed = set(u["guid"] for u in operations["remove"])
        return [u for u in current or [] if u["guid"] not in removed] + operations["add"]

    def view(self, value):
        if isinstance(value, dict):  # the wanted value of a group that is created
            value = value["add"]
        return sorted(u.get("username") for u in value or [])


class GroupResource(Resource):
    kind = "group"
    name_option = "name"
    identifying = ("guid", "name", "owner_guid")
    result_key = "group"
    facets = (Members(),)
    item_attributes = dict(remote=False,   # create from the authentication provider's directory
                           entry=None)     # ... its directory entry (temp_ticket), read in missing()

    def __init__(self, engine, top):
        super(GroupResource, self).__init__(engine, top)
        self.users = UserCache(self.client)
        self.by_guid = None          # the batch's one listing of every group
        self.by_name = None

    @classmethod
    def argument_form(cls):
        """connect_group's options: the single form, `items`, and `all_groups` (its exclusions: check_all_groups)."""
        form = batch_form(
            dict(group_options(), state=dict(type="str", choices=STATES)), ("name", "guid"),
            top_level=dict(state=dict(type="str", choices=STATES, default="present"),
                           purge_members=dict(type="bool", default=False),
                           remote=dict(type="bool", default=False)),
        )
        form["argument_spec"]["all_groups"] = dict(type="bool", default=False)
        form["required_one_of"][0].append("all_groups")
        return form

    # -- input ------------------------------------------------------------------

    def prepare(self, item):
        where = item.where
        guid, name = self.select(item)
        if guid is not None and name is not None:
            if not name.strip():
                raise InputError("Option '%sname' must not be empty: it is the group's new name." % where)
            item.desired["name"] = name  # a rename
        members, remove = self.option(item, "members"), self.option(item, "remove_members")
        if members is not None or remove is not None:
            both = set(members or []) & set(remove or [])
            if both:
                raise InputError("Options '%smembers' and '%sremove_members' both name %s; keep each user in one."
                                 % (where, where, ", ".join(sorted(both))))
            item.facets["members"] = dict(add=members or [], remove=remove or [],
                                          purge=bool(self.option(item, "purge_members")))
        item.remote = bool(self.option(item, "remote"))

    def prepare_all(self, items):
        every = self.top.get("all_groups")
        if every:
            self.check_all_groups()
        if every or items and items[0].index is not None:
            groups = list_groups(self.client)
            self.by_guid = dict((g.get("guid"), g) for g in groups)
            self.by_name = dict((g.get("name"), g) for g in groups)
        if every:  # every group that may hold members: a group without member_count may
            items = [self.engine.item(index, dict(guid=g["guid"])) for index, g in
                     enumerate(g for g in groups if g.get("guid") and g.get("member_count", 1) != 0)]
            for item in items:
                self.prepare(item)
        return items

    def check_all_groups(self):
        """all_groups only takes users out of groups: any option that would change a group otherwise is refused."""
        others = [option for option in ("name", "guid", "items", "members") if self.top.get(option) is not None]
        if others:
            raise InputError("Option 'all_groups' selects every group: leave out %s."
                             % " and ".join("'%s'" % option for option in others))
        if not self.top.get("remove_members"):
            raise InputError("Option 'all_groups' needs 'remove_members': the users to take out of every group.")
        if self.top.get("state") != "present" or self.top.get("purge_members"):
            raise InputError("Option 'all_groups' only removes members: leave 'state' and 'purge_members' at their "
                             "defaults (to delete or empty groups, list them in 'items').")
        for user in self.top["remove_members"]:  # an unknown user fails the task once, before the groups are listed
            self.users.require_user(user, "remove_members")

    def resolve(self, item):
        """Members by username or guid: an unknown user fails the item before any write."""
        wanted = item.facets.get("members")
        if wanted is None or item.state == "absent":
            return
        for op, option in (("add", "members"), ("remove", "remove_members")):
            wanted[op] = [self.users.require_user(value, item.where + option) for value in wanted[op]]

    # -- reads ------------------------------------------------------------------

    def read_one(self, item):
        guid, name = item.guid, item.name
        if self.by_guid is not None:
            return self.by_guid.get(guid) if guid else self.by_name.get(name)
        found = list_groups(self.client, guid=guid) if guid else list_groups(self.client, name=name)
        return found[0] if found else None

    def read(self, items):
        super(GroupResource, self).read(items)
        for item in items:
            if item.state == "absent":
                item.facets.pop("members", None)  # a deleted group's members are not managed

    # -- plan -------------------------------------------------------------------

    def missing(self, item):
        self.create_by_name(item)
        if item.remote:
            item.entry = require_remote(self.client, "groups", item.name, item.where + "name")

    def check(self, item, changes):
        self.refuse_rename(item, changes, self.find, "DuplicateGroupName", "a group named %r")

    def find(self, name):
        """The group of that name, or None."""
        if self.by_name is not None:
            return self.by_name.get(name)
        found = list_groups(self.client, name=name)
        return found[0] if found else None

    # -- diff and results ------------------------------------------------------------

    def identity(self, item):
        group = item.result or item.current or {}
        return dict(guid=group.get("guid") or item.guid,
                    name=group.get("name") or item.desired.get("name") or item.name)

    def outcome(self, item):
        return item.result if item.status != "deleted" else None

    def predict(self, item):
        if item.status == "deleted":
            return {}
        predicted = dict(item.current or dict(guid=None, owner_guid=None), **item.desired)
        plan = item.facet_plans.get("members")
        if plan and (item.current is None or predicted.get("member_count") is not None):
            # a count only where Connect gave one (older servers' group objects carry none) or for a new group
            predicted["member_count"] = (predicted.get("member_count") or 0) + len(plan["add"]) - len(plan["remove"])
        return predicted

    # -- writes --------------------------------------------------------------------

    def create(self, item):
        if item.remote:
            return self.client.put("v1/groups", body=dict(temp_ticket=item.entry["temp_ticket"]))
        return self.client.post("v1/groups", body=dict(name=item.desired["name"]))

    def update(self, item, changes):
        return self.client.patch("v1/groups/%s" % item.current["guid"], body=changes)

    def delete(self, item):
        self.client.delete("v1/groups/%s" % item.current["guid"])
