# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_user's resource: Connect users, selected by username or guid (Connect has no user deletion).

Reads: the single form looks its user up (principals.find_user); a batch lists every user once.
Writes: PUT /v1/users/{guid} for the profile fields and the username, POST /v1/users/{guid}/lock for
`locked`; a missing user is created with POST /v1/users (a local account) or, with `remote`, from the
authentication provider's directory (GET /v1/users/remote, then PUT /v1/users with its temp_ticket).
The password is only ever sent in the create request: never in desired, changes, diffs or results.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.engine.module import batch_form
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Resource, same
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import find_user, list_users, require_remote

PROFILE_FIELDS = ("user_role", "email", "first_name", "last_name")
CREATE_OPTIONS = ("password", "user_must_set_password", "remote")
ROLES = ["viewer", "publisher", "administrator"]


def user_options():
    """The options of one user, at the top level and in each item."""
    return dict(
        username=dict(type="str"),
        guid=dict(type="str"),
        user_role=dict(type="str", choices=ROLES),
        email=dict(type="str"),
        first_name=dict(type="str"),
        last_name=dict(type="str"),
        locked=dict(type="bool"),
        password=dict(type="str", no_log=True),
        user_must_set_password=dict(type="bool", no_log=False),
        remote=dict(type="bool"),
    )


class UserResource(Resource):
    kind = "user"
    name_option = "username"
    result_key = "user"
    item_attributes = dict(password=None, user_must_set_password=None,  # for a local account's creation only
                           remote=None,    # create from the authentication provider's directory
                           entry=None)     # ... its directory entry (temp_ticket), read in missing()

    def __init__(self, engine, top):
        super(UserResource, self).__init__(engine, top)
        self.by_guid = None         # the batch's one listing of every user
        self.by_username = None

    @classmethod
    def argument_form(cls):
        """connect_user's options: the single form and `items`."""
        return batch_form(user_options(), ("username", "guid"),
                          top_level=dict(state=dict(type="str", choices=["present"], default="present")))

    # -- input ------------------------------------------------------------------

    def prepare(self, item):
        where = item.where
        guid, username = self.select(item)
        item.desired = dict((f, self.option(item, f)) for f in PROFILE_FIELDS + ("locked",)
                            if self.option(item, f) is not None)
        if guid is not None and username is not None:
            item.desired["username"] = username  # a rename
        for option in CREATE_OPTIONS:
            setattr(item, option, self.option(item, option))
        if item.remote and (item.password or item.user_must_set_password):
            raise InputError("Option '%spassword': a remote user signs in through the authentication provider; "
                             "remove 'password' and 'user_must_set_password', or set 'remote: false'." % where)
        if item.password and item.user_must_set_password:
            raise InputError("Options '%spassword' and '%suser_must_set_password' exclude each other: give one."
                             % (where, where))

    def prepare_all(self, items):
        if items and items[0].index is not None:
            users = list_users(self.client)
            self.by_guid = dict((u.get("guid"), u) for u in users)
            self.by_username = dict((u.get("username"), u) for u in users)
        return items

    # -- reads ------------------------------------------------------------------

    def read_one(self, item):
        guid, username = item.guid, item.name
        if self.by_guid is not None:
            return self.by_guid.get(guid) if guid else self.by_username.get(username)
        return find_user(self.client, guid or username)

    # -- plan -------------------------------------------------------------------

    def missing(self, item):
        where = item.where
        self.create_by_name(item)
        if item.remote:
            item.entry = require_remote(self.client, "users", item.name, where + "username")
        elif not (item.password or item.user_must_set_password):
            raise InputError("Option '%susername': user %r does not exist on this Connect server. Check the "
                             "username; to create the user, give 'password' or 'user_must_set_password: true' "
                             "(a local account), or 'remote: true' (from the authentication provider)."
                             % (where, item.name))

    def check(self, item, changes):
        self.refuse_rename(item, changes, self.find, "DuplicateUserName", "user %r")

    def find(self, username):
        """The user of that username, or None."""
        return self.by_username.get(username) if self.by_username is not None else find_user(self.client, username)

    # -- diff and results ------------------------------------------------------------

    def identity(self, item):
        user = item.result or item.current or {}
        username = user.get("username") or item.desired.get("username") or item.name
        return dict(guid=user.get("guid") or item.guid, username=username, name=username)

    def predict(self, item):
        predicted = super(UserResource, self).predict(item)
        if item.status == "created":
            predicted.setdefault("guid", None)
            predicted.setdefault("locked", False)
        return predicted

    # -- writes --------------------------------------------------------------------

    def create(self, item):
        desired = item.desired
        if item.remote:
            user = self.client.put("v1/users", body=dict(temp_ticket=item.entry["temp_ticket"]))
        else:
            body = dict((f, v) for f, v in desired.items() if f != "locked")
            if item.password:
                body["password"] = item.password
            else:
                body["user_must_set_password"] = True
            user = self.client.post("v1/users", body=body)
        rest = dict((f, v) for f, v in desired.items() if not same(user.get(f), v))
        return self._write(user, rest) if rest else user

    def update(self, item, changes):
        return self._write(item.current, changes)

    def _write(self, user, changes):
        """PUT the profile fields and POST the lock state; the user as it then is."""
        user = dict(user)
        fields = dict((f, v) for f, v in changes.items() if f != "locked")
        if fields:
            user.update(self.client.put("v1/users/%s" % user["guid"], body=fields) or fields)
        if "locked" in changes:
            self.client.post("v1/users/%s/lock" % user["guid"], body=dict(locked=changes["locked"]))
            user["locked"] = changes["locked"]
        return user
