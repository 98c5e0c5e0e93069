# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_oauth_integration's resource: OAuth integrations, selected by name or guid, and who may use them.

Reads: one GET /v1/oauth/integrations for every item (after the version gate), the templates once when an
integration is created, and, before a delete, the integration's associations. Writes: POST, PATCH (which merges
`config` key by key and replaces `permissions`) and DELETE /v1/oauth/integrations/{guid}; `verify` POSTs
.../verify, which changes nothing. Managing integrations needs an administrator: another key fails before any write.

`config` holds secrets Connect never answers: plans, results and diffs carry its keys with masked values; the
values are sent and nowhere else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.integrations import (
    INTEGRATIONS_PATH,
    describe_content,
    integration_content,
    list_integrations,
    list_templates,
    server_version,
    template_keys,
)
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import UserCache, current_user
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Facet, Resource, same

MASK = "********"  # what results and diffs show of every configuration value


def principal_entry(principal_type, guid):
    return {"%s_guid" % principal_type: guid}


def entry_key(entry):
    """(principal type, guid) of an access entry as Connect answers or takes it."""
    if entry.get("user_guid"):
        return ("user", entry["user_guid"].lower())
    return ("group", (entry.get("group_guid") or "").lower())


class Permissions(Facet):
    """Who may use the integration. Wanted: dict(entries=the `permissions` option, purge=bool); resolve() turns the
    entries into a set of (principal type, guid).

    Connect's PATCH replaces the whole list: the union of current and declared is sent (purge: the declared)."""

    name = "permissions"

    def __init__(self, resource):
        self.resource = resource

    def read(self, engine, item):
        return item.current.get("permissions")  # None: this server does not report them

    def plan(self, engine, item, current, wanted):
        if item.current is not None and current is None:
            if not wanted["purge"]:  # the union cannot be known, and a write replaces the whole list
                engine.warn("%spermissions: this Connect server (%s) does not report who may use the OAuth integration "
                            "%r, so its access list is left as it is (it is set when the integration is created). "
                            "Set 'purge_permissions: true' to send exactly the entries given (then on every run)."
                            % (item.where, server_version(engine.client), item.current.get("name")))
                return None
            return dict(send=sorted(wanted["entries"]))
        have = set(entry_key(e) for e in current or [])
        end = wanted["entries"] if wanted["purge"] else have | wanted["entries"]
        return dict(send=sorted(end)) if end != have else None  # a new integration: have is empty

    def apply(self, engine, item, operations):
        if item.current is not None:  # a new integration got its list with the POST
            written = engine.client.patch("%s/%s" % (INTEGRATIONS_PATH, item.current["guid"]),
                                          body=dict(permissions=[principal_entry(*key) for key in operations["send"]]))
            self.resource.verify_written(item, written or item.current)

    def summary(self, operations):
        return [self.resource.label(key) for key in operations["send"]]

    def end(self, current, wanted, operations):
        return [principal_entry(*key) for key in operations["send"]]

    def view(self, value):
        if isinstance(value, dict):  # the wanted value of a new integration
            value = [principal_entry(*key) for key in value["entries"]]
        return sorted(self.resource.label(entry_key(e)) for e in value or [])


class OAuthIntegrationResource(Resource):
    kind = "OAuth integration"
    noun = "OAuth integrations"
    name_option = "name"
    item_attributes = dict(verified=False, associations=None)  # verify ran and passed; the content a forced delete unlinks
    identifying = ("guid", "name", "template")
    result_key = "integration"

    def __init__(self, engine, top):
        super(OAuthIntegrationResource, self).__init__(engine, top)
        self.users = UserCache(self.client)
        self.facets = (Permissions(self),)
        self.by_guid = self.by_name = None
        self.templates = None
        self.me = None

    # -- input ------------------------------------------------------------------

    def prepare(self, item):
        guid, name = self.select(item)
        if guid is not None and name is not None:
            if not name.strip():
                raise InputError("Option '%sname' must not be empty: it is the integration's new name." % item.where)
            item.desired["name"] = name  # a rename
        for field in ("description", "template"):
            if self.option(item, field) is not None:
                item.desired[field] = self.option(item, field)
        config = self.option(item, "config")
        if config is not None:
            bad = sorted(key for key, value in config.items() if not isinstance(value, str))
            if bad:
                raise InputError("Option '%sconfig': Connect takes text values only; quote the value of %s."
                                 % (item.where, ", ".join(bad)))
            item.desired["config"] = dict((key, MASK) for key in config)
        permissions = self.option(item, "permissions")
        if permissions is not None:
            item.facets["permissions"] = dict(entries=permissions, purge=bool(self.option(item, "purge_permissions")))
            self.users_expect(permissions)

    def users_expect(self, permissions):
        for kind in ("user", "group"):
            self.users.expect(kind, [p["principal"] for p in permissions if p["principal_type"] == kind])

    def prepare_all(self, items):
        integrations = list_integrations(self.client)  # the version gate, then one listing for every item
        self.by_guid = dict((i.get("guid"), i) for i in integrations)
        self.by_name = dict((i.get("name"), i) for i in integrations)
        return items

    def resolve(self, item):
        """Principals by username or group name (or guid): an unknown one fails the item before any write."""
        wanted = item.facets.get("permissions")
        if wanted is None or item.state == "absent" or isinstance(wanted["entries"], set):
            return
        entries = []
        for index, entry in enumerate(wanted["entries"]):
            option = "%spermissions[%d].principal" % (item.where, index)
            found = self.users.require_principal(entry["principal"], entry["principal_type"], option)
            entries.append((entry["principal_type"], found["guid"].lower()))
        wanted["entries"] = set(entries)

    def label(self, key):
        """'user alice' or 'group Finance' for an access entry's (type, guid)."""
        principal_type, guid = key
        try:
            found = self.users.require_principal(guid, principal_type)
        except InputError:
            return "%s %s" % (principal_type, guid)
        return "%s %s" % (principal_type, found.get("username" if principal_type == "user" else "name"))

    # -- reads ------------------------------------------------------------------

    def read_one(self, item):
        guid, name = item.guid, item.name
        return self.by_guid.get(guid) if guid else self.by_name.get(name)

    def read(self, items):
        super(OAuthIntegrationResource, self).read(items)
        for item in items:
            if item.state == "absent":
                item.facets.pop("permissions", None)
        self.engine.each(self.users_of, [item for item in items if item.state == "absent" and item.current is not None])

    def users_of(self, item):
        """Before a delete: an administrator's key, and force when content uses the integration."""
        self.require_admin(item)
        content = integration_content(self.client, item.current["guid"], self.engine.concurrency)
        item.associations = content
        if content and not self.option(item, "force"):
            raise InputError("Option '%sstate': the OAuth integration %r is used by %d content item%s: %s. Connect "
                             "removes these associations with it; set 'force: true' to delete it anyway."
                             % (item.where, item.current.get("name"), len(content), "" if len(content) == 1 else "s",
                                describe_content(content)))

    # -- plan -------------------------------------------------------------------

    def missing(self, item):
        self.create_by_name(item)
        template = item.desired.get("template")
        if template is None:
            raise InputError("Option '%stemplate' is required to create the OAuth integration %r: give the template's "
                             "key (for example 'custom')." % (item.where, item.name))
        if self.templates is None:
            self.templates = list_templates(self.client)
        if template not in self.templates:
            raise InputError("Option '%stemplate': this server has no OAuth template %r; it has %s."
                             % (item.where, template, ", ".join(sorted(self.templates))))
        unknown = sorted(set(item.desired.get("config") or {}) - template_keys(self.templates[template]))
        if unknown:
            raise InputError("Option '%sconfig': the template %r defines no %s; it takes %s."
                             % (item.where, template, ", ".join(unknown),
                                ", ".join(sorted(template_keys(self.templates[template])))))

    def compare(self, item):
        current = item.current
        template = item.desired.get("template")
        if template is not None and template != current.get("template"):
            raise InputError("Option '%stemplate': the OAuth integration %r uses the template %r, and Connect cannot "
                             "change an integration's template. Delete it (state: absent) and create it again."
                             % (item.where, current.get("name"), current.get("template")))
        changes = dict((field, item.desired[field]) for field in ("name", "description")
                       if field in item.desired and not same(current.get(field), item.desired[field]))
        config = self.option(item, "config")
        if config is not None:
            answered = current.get("config") or {}
            if self.option(item, "update_config") == "always" or any(
                    key in answered and answered[key] != value for key, value in config.items()):
                changes["config"] = item.desired["config"]
        return changes

    def check(self, item, changes):
        if changes:
            self.require_admin(item)
        if self.option(item, "verify") and item.current is not None and (not changes or self.engine.check_mode):
            self.verify(item, item.current["guid"])

    def require_admin(self, item):
        """What Connect refuses a key that is not an administrator's (403), refused before any write."""
        if self.me is None:
            self.me = current_user(self.client)
        if self.me.get("user_role") != "administrator":
            raise InputError("Managing OAuth integrations needs an administrator's API key; this key belongs to %r "
                             "(%s), and Connect would refuse the change (403)."
                             % (self.me.get("username"), self.me.get("user_role")))

    def verify(self, item, guid):
        """Connect's test of a service-account integration; its ConnectError fails the item with Connect's reason."""
        self.client.post("%s/%s/verify" % (INTEGRATIONS_PATH, guid))
        item.verified = True

    # -- diff and results ------------------------------------------------------------

    def identity(self, item):
        found = item.result or item.current or {}
        entry = dict(guid=found.get("guid") or item.guid,
                     name=found.get("name") or item.desired.get("name") or item.name)
        entry.update(self.extras(item))
        return entry

    def extras(self, item):
        extra = {}
        if self.option(item, "verify"):
            extra["verified"] = item.verified
        if item.associations is not None:
            extra["associations"] = item.associations
        return extra

    def outcome(self, item):
        return item.result if item.status != "deleted" else None

    def predict(self, item):
        if item.status == "deleted":
            return {}
        current = item.current or dict(guid=None)
        predicted = dict(current, **item.desired)
        predicted["config"] = dict(current.get("config") or {}, **item.desired.get("config", {}))
        return predicted

    # -- writes --------------------------------------------------------------------

    def body(self, item, fields):
        """The fields to send, with the configuration's real values (and, for a new integration, its access list)."""
        body = dict(fields)
        if "config" in body:
            body["config"] = self.option(item, "config")
        plan = item.facet_plans.get("permissions")
        if plan is not None and item.current is None:
            body["permissions"] = [principal_entry(*key) for key in plan["send"]]
        return body

    def create(self, item):
        created = self.client.post(INTEGRATIONS_PATH, body=self.body(item, item.desired))
        self.verify_written(item, created)
        return created

    def update(self, item, changes):
        updated = self.client.patch("%s/%s" % (INTEGRATIONS_PATH, item.current["guid"]), body=self.body(item, changes))
        if "permissions" not in item.facet_plans:
            self.verify_written(item, updated)
        return updated

    def verify_written(self, item, written):
        """verify after a write; a failure then says the write happened."""
        if not self.option(item, "verify") or not (written or {}).get("guid"):
            return
        try:
            self.verify(item, written["guid"])
        except ConnectError as exc:
            exc.changed, exc.result = True, written
            raise

    def delete(self, item):
        self.client.delete("%s/%s" % (INTEGRATIONS_PATH, item.current["guid"]))
