# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_execution_environment's resource: Connect's execution environments (images), selected by image name
or guid, and who may use them (a Facet).

Reads: one listing of every environment (GET /v1/environments, unpaged), in both forms; the permissions of an
item only when it sets them. Writes: POST /v1/environments, PUT /v1/environments/{guid} (a replacement: the
body carries every field Connect reported, with the user's values merged in, so an option not given is kept),
DELETE /v1/environments/{guid}, and permission POST/DELETE.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.exec_environments import (
    INSTALLATIONS,
    MANAGED_BY,
    PERMISSIONS_SINCE,
    WRITABLE,
    installation_list,
    installation_set,
    list_environments,
    managed_by,
    mount_key,
    require_version,
)
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import UserCache
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Facet, Resource

DEFAULT_CLUSTER = "Kubernetes"
CONFIG_MANAGED = 265  # EnvironmentIsConfigManaged (api/error_codes.py)


def _guid(environment):
    return (environment or {}).get("guid")


class Permissions(Facet):
    """Who may use the image. Wanted: dict(entries=[{principal, principal_type}], purge=bool, option=str).

    The environment ends with at least these principals; with purge, with exactly these."""

    name = "permissions"

    def __init__(self, resource):
        self.resource = resource
        self.users = resource.users

    def read(self, engine, item):
        return engine.client.get("v1/environments/%s/permissions" % item.current["guid"]) or []

    def plan(self, engine, item, current, wanted):
        want = {}
        for index, entry in enumerate(wanted["entries"]):
            kind = entry["principal_type"]
            found = self.users.require_principal(entry["principal"], kind,
                                                 "%s[%d].principal" % (wanted["option"], index))
            want[(kind, found["guid"].lower())] = entry
        have = dict((_principal(p), p) for p in current or [])
        add = [dict(principal_type=kind, guid=guid) for kind, guid in want if (kind, guid) not in have]
        remove = [p for key, p in have.items() if wanted["purge"] and key not in want]
        return dict(add=add, remove=remove) if add or remove else None

    def apply(self, engine, item, operations):
        guid = _guid(item.result) or _guid(item.current)
        for entry in operations["remove"]:
            engine.client.delete("v1/environments/%s/permissions/%s" % (guid, entry["guid"]))
        for entry in operations["add"]:
            engine.client.post("v1/environments/%s/permissions" % guid,
                               body={entry["principal_type"] + "_guid": entry["guid"]})

    def label(self, kind, guid):
        """A principal by username or group name (its guid when Connect no longer knows it)."""
        try:
            found = self.users.require_principal(guid, kind)
        except (InputError, ConnectError):
            found = {}
        return dict(principal=found.get("username" if kind == "user" else "name") or guid, principal_type=kind)

    def summary(self, operations):
        return dict(add=[self.label(e["principal_type"], e["guid"]) for e in operations["add"]],
                    remove=[self.label(*_principal(e)) for e in operations["remove"]])

    def end(self, current, wanted, operations):
        gone = set(e["guid"] for e in operations["remove"])
        kept = [dict(principal_type=_principal(e)[0], guid=_principal(e)[1]) for e in current or []
                if e["guid"] not in gone]
        return kept + operations["add"]

    def view(self, value):
        if isinstance(value, dict):  # the wanted value of an environment that is created
            return sorted((dict(principal=e["principal"], principal_type=e["principal_type"])
                           for e in value["entries"]), key=lambda e: (e["principal_type"], e["principal"]))
        shown = [self.label(e["principal_type"], e["guid"]) if "principal_type" in e else self.label(*_principal(e))
                 for e in value or []]
        return sorted(shown, key=lambda e: (e["principal_type"], e["principal"]))


def _principal(entry):
    """(principal_type, guid) of a permission entry as Connect answers it ({user_guid} or {group_guid})."""
    if entry.get("user_guid"):
        return "user", entry["user_guid"].lower()
    return "group", (entry.get("group_guid") or "").lower()


class ExecEnvironmentResource(Resource):
    kind = "execution environment"
    name_option = "name"
    identifying = ("guid", "name", "cluster_name", "title")
    result_key = "environment"

    def __init__(self, engine, top):
        super(ExecEnvironmentResource, self).__init__(engine, top)
        self.users = UserCache(self.client)
        self.facets = (Permissions(self),)
        self.by_guid = self.by_name = None

    # -- input, before any request ---------------------------------------------------

    def prepare(self, item):
        self.select(item)
        for field in WRITABLE:
            value = self.option(item, field)
            if value is None:
                continue
            if field in INSTALLATIONS:
                value = dict(installations=self._installations(item, field, value))
            elif field in ("title", "description", "supervisor") and not value.strip():
                value = None  # Connect's "no title"
            item.desired[field] = value
        cluster = item.spec.get("cluster_name") if item.index is not None else None
        if cluster is None:
            cluster = self.top.get("cluster_name")
        if cluster is not None and not cluster.strip():
            raise InputError("Option '%scluster_name' must not be empty: give the cluster's name, or leave it out "
                             "for %r." % (item.where, DEFAULT_CLUSTER))
        permissions = self.option(item, "permissions")
        if permissions is not None:
            option = item.where + "permissions" if item.spec.get("permissions") is not None else "permissions"
            seen = set()
            for index, entry in enumerate(permissions):
                if not str(entry.get("principal") or "").strip():
                    raise InputError("Option '%s[%d].principal' must not be empty: give a username, group name or "
                                     "guid." % (option, index))
                entry.setdefault("principal_type", "user")
                key = (entry["principal_type"], entry["principal"])
                if key in seen:
                    raise InputError("Option '%s[%d]': %s %r is listed twice; list each principal once."
                                     % (option, index, key[0], key[1]))
                seen.add(key)
                self.users.expect(entry["principal_type"], [entry["principal"]])
            item.facets["permissions"] = dict(entries=permissions, option=option,
                                              purge=bool(self.option(item, "purge_permissions")))

    def _installations(self, item, field, value):
        """Each installation needs a version and an absolute path (Connect answers 400 otherwise)."""
        for index, entry in enumerate(value):
            where = "%s%s[%d]" % (item.where, field, index)
            if not str(entry.get("version") or "").strip():
                raise InputError("Option '%s.version' must not be empty: give the interpreter's version, e.g. "
                                 "'3.12.4'." % where)
            if not str(entry.get("path") or "").startswith("/"):
                raise InputError("Option '%s.path' must be an absolute path to the interpreter's executable, e.g. "
                                 "'/opt/python/3.12.4/bin/python3' (got %r)." % (where, entry.get("path")))
        return [dict(version=e["version"], path=e["path"]) for e in value]

    def prepare_all(self, items):
        """The version gates (before any write), then one listing of every environment."""
        if any(item.facets.get("permissions") for item in items):
            require_version(self.client, PERMISSIONS_SINCE, "execution environment permissions", "permissions")
        environments = list_environments(self.client)
        self.by_guid = dict((_guid(e).lower(), e) for e in environments if _guid(e))
        self.by_name = dict((e.get("name"), e) for e in environments)
        return items

    # -- reads ----------------------------------------------------------------------

    def read_one(self, item):
        guid, name = item.guid, item.name
        return self.by_guid.get(guid.lower()) if guid else self.by_name.get(name)

    def read(self, items):
        super(ExecEnvironmentResource, self).read(items)
        for item in items:
            if item.state == "absent":
                item.facets.pop("permissions", None)  # a deleted environment's permissions go with it
                if item.current is not None:
                    try:
                        self._writable(item, "deleted")
                    except InputError as exc:
                        item.fail(exc)

    # -- plan --------------------------------------------------------------------------

    def _writable(self, item, verb):
        """An environment that a configuration file manages cannot be changed through the API (409 code 265)."""
        manager = managed_by(item.current)
        if manager:
            raise InputError("Option '%sname': execution environment %r is managed by %r (Connect reports %s: %r), "
                             "not through the API, so it cannot be %s here. Change it in Connect's configuration "
                             "file, or leave it out of this task." % (item.where, item.current.get("name"), manager,
                                                                      MANAGED_BY, manager, verb))

    def missing(self, item):
        self.create_by_name(item)
        item.desired["cluster_name"] = self.option(item, "cluster_name") or DEFAULT_CLUSTER

    def normalise(self, field, value):
        if field in INSTALLATIONS:
            return installation_set(value)
        if field == "volume_mounts":
            return mount_key(value)
        return value

    def compare(self, item):
        """What differs, of the fields the server reports. A field it does not report (nodejs, volume_mounts on
        servers whose answers lack them) cannot be compared: it is sent on create and with every other change
        (the PUT carries what the user set), never alone; a warning says so."""
        changes = super(ExecEnvironmentResource, self).compare(item)
        unreported = sorted(f for f in changes if f not in item.current)
        if unreported:
            self.engine.warn(
                "%sexecution environment %r: Connect %s does not report %s, so %s cannot be compared; it is sent "
                "with the environment's other changes (Connect's update replaces it), never alone."
                % (item.where, item.current.get("name"), self.client.server_settings().get("version") or
                   "(version hidden)", ", ".join(unreported), "it" if len(unreported) == 1 else "they"))
        return dict((f, v) for f, v in changes.items() if f not in unreported)

    def check(self, item, changes):
        current = item.current
        if current is None:
            return
        name = item.name
        if item.guid and name is not None and name != current.get("name"):
            raise InputError("Option '%sname': execution environment %s is the image %r, and Connect cannot change an "
                             "environment's image (400 ImmutableFields). Give its image, or declare the new image by "
                             "'name' without 'guid'." % (item.where, current.get("guid"), current.get("name")))
        cluster = self.option(item, "cluster_name")
        if cluster is not None and cluster != current.get("cluster_name"):
            raise InputError("Option '%scluster_name': execution environment %r is on cluster %r, and Connect cannot "
                             "move an environment (400 ImmutableFields). Delete it and create it again, or give %r."
                             % (item.where, current.get("name"), current.get("cluster_name"),
                                current.get("cluster_name")))
        fields = [f for f in changes if f in item.desired]
        if not fields:
            return
        self._writable(item, "updated")

    # -- diff and results ------------------------------------------------------------

    def view(self, item, values, side):
        return dict((field, installation_list(value) if field in INSTALLATIONS else value)
                    for field, value in values.items())

    def identity(self, item):
        environment = item.result or item.current or {}
        return dict(guid=environment.get("guid") or item.guid,
                    name=environment.get("name") or item.name)

    def outcome(self, item):
        return item.result if item.status != "deleted" else None

    def predict(self, item):
        if item.status == "deleted":
            return {}
        if item.current is None:
            return dict(dict(guid=None), **item.desired)
        return dict(item.current, **item.desired)

    # -- writes --------------------------------------------------------------------

    def create(self, item):
        return self.client.post("v1/environments", body=item.desired)

    def update(self, item, changes):
        """Connect replaces the environment: send every writable field it reported, the user's values merged in."""
        current = item.current
        body = dict((field, current[field]) for field in WRITABLE if field in current)
        body.update(item.desired)
        try:
            return self.client.put("v1/environments/%s" % current["guid"], body=body)
        except ConnectError as exc:
            raise _config_managed(exc, item, "updated")

    def delete(self, item):
        try:
            self.client.delete("v1/environments/%s" % item.current["guid"])
        except ConnectError as exc:
            raise _config_managed(exc, item, "deleted")


def _config_managed(exc, item, verb):
    """Connect's 409 EnvironmentIsConfigManaged (code 265), for a server that does not report managed_by, as one
    clear line; any other error as it is."""
    if exc.status != 409 or exc.code != CONFIG_MANAGED:
        return exc
    return ConnectError("Execution environment %r is managed by Connect's configuration file (Connect answered 409 "
                        "EnvironmentIsConfigManaged: its %s field is set), so it cannot be %s through the API; nothing "
                        "was changed. Change it in the configuration file, or leave it out of this task."
                        % (item.current.get("name"), MANAGED_BY, verb),
                        method=exc.method, path=exc.path, status=exc.status, code=exc.code, payload=exc.payload)
