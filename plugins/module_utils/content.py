# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Content items: the writable fields, input validation, comparison, and the
single-item and batch flows of connect_content, plus the reads of
connect_content_info.

Bad input raises InputError before any request; the client raises
ConnectError. Nothing here depends on AnsibleModule.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.common.validation import check_type_bool, check_type_float, check_type_int

from ansible_collections.posit.connect.plugins.module_utils.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.inputs import check_guid as _check_guid
from ansible_collections.posit.connect.plugins.module_utils.inputs import is_guid
from ansible_collections.posit.connect.plugins.module_utils.principals import require_owner, require_user

# The fields of Connect's UpdateContentInput (PATCH /v1/content/{guid}), with
# their kind. Everything else in a content object is read-only and never sent.
WRITABLE_FIELDS = {
    "name": "str",
    "title": "str",
    "description": "str",
    "owner_guid": "str",
    "access_type": "str",
    "locked": "bool",
    "locked_message": "str",
    "connection_timeout": "int",
    "read_timeout": "int",
    "init_timeout": "int",
    "idle_timeout": "int",
    "max_processes": "int",
    "min_processes": "int",
    "max_conns_per_process": "int",
    "load_factor": "float",
    "default_r_environment_management": "bool",
    "default_py_environment_management": "bool",
    "run_as": "str",
    "run_as_current_user": "bool",
    "memory_request": "int",
    "memory_limit": "int",
    "cpu_request": "float",
    "cpu_limit": "float",
    "amd_gpu_limit": "int",
    "nvidia_gpu_limit": "int",
    "service_account_name": "str",
    "default_image_name": "str",
    "default_environment_guid": "str",
    "metrics_collection_enabled": "bool",
    "notify_on_share": "bool",
    "otel_enabled": "bool",
    "content_category": "str",
}

# CreateContentInput (POST /v1/content): the writable fields minus these.
CREATABLE_FIELDS = frozenset(WRITABLE_FIELDS) - frozenset(("owner_guid", "locked", "locked_message", "content_category"))

# Fields that take null ("use the server default"); `reset` may name these.
# Not those that Connect never reports as null (it answers a null for locked
# with false): comparing them with null would report a change on every run.
NOT_NULLABLE = frozenset(("name", "description", "access_type", "locked", "locked_message", "run_as_current_user",
                          "otel_enabled", "content_category"))
RESETTABLE_FIELDS = frozenset(WRITABLE_FIELDS) - NOT_NULLABLE - frozenset(("owner_guid",))

FIELD_CHOICES = {
    "access_type": ("all", "logged_in", "acl"),
    "content_category": ("", "mcp"),
}
NON_NEGATIVE_FIELDS = frozenset((
    "connection_timeout", "read_timeout", "init_timeout", "idle_timeout", "max_processes", "min_processes",
    "max_conns_per_process", "load_factor", "memory_request", "memory_limit", "cpu_request", "cpu_limit",
    "amd_gpu_limit", "nvidia_gpu_limit",
))
NAME_RE = re.compile(r"^[A-Za-z0-9._-]+$")

# Options of connect_content that set one field each (option -> Ansible type);
# `owner` sets owner_guid after resolving a username or guid.
FIELD_OPTIONS = {
    "title": "str",
    "description": "str",
    "access_type": "str",
    "owner": "str",
    "locked": "bool",
    "locked_message": "str",
    "min_processes": "int",
    "max_processes": "int",
    "max_conns_per_process": "int",
    "load_factor": "float",
    "init_timeout": "int",
    "idle_timeout": "int",
    "connection_timeout": "int",
    "read_timeout": "int",
    "run_as": "str",
    "run_as_current_user": "bool",
    "default_image_name": "str",
}
OPTION_FIELD = {"owner": "owner_guid"}


class PartlyCreatedError(ConnectError):
    """The item was created, but the PATCH that followed failed."""


def field_argument_spec():
    """The per-item options, shared by the top level and each entry of `items`."""
    spec = dict((option, dict(type=kind)) for option, kind in FIELD_OPTIONS.items())
    spec["access_type"]["choices"] = list(FIELD_CHOICES["access_type"])
    spec["settings"] = dict(type="dict")
    spec["reset"] = dict(type="list", elements="str")
    return spec


# -- validation ------------------------------------------------------------


def _coerce(field, value, label):
    """Check a `settings` value against the field's kind (as the option types do)."""
    if value is None:
        if field in NOT_NULLABLE:
            raise InputError("%s: %s cannot be null; set a value instead." % (label, field))
        return None
    kind = WRITABLE_FIELDS[field]
    try:
        if kind == "bool":
            return check_type_bool(value)
        if isinstance(value, bool):
            raise TypeError("%r is a boolean" % value)
        if kind == "int":
            return check_type_int(value)
        if kind == "float":
            return check_type_float(value)
    except (TypeError, ValueError) as exc:
        raise InputError("%s: %s must be %s, got %r (%s)."
                                % (label, field, {"bool": "a boolean", "int": "an integer", "float": "a number"}[kind],
                                   value, exc))
    if not isinstance(value, str):
        raise InputError("%s: %s must be a string, got %r (%s)." % (label, field, value, type(value).__name__))
    return value


def desired_fields(params, where=""):
    """{field: desired value} from one level of options (the top level or one item).

    Only what was set counts: an option left out (None) is not managed. `where`
    prefixes option names in messages (e.g. "items[3].").
    """
    desired, source = {}, {}
    for option in FIELD_OPTIONS:
        value = params.get(option)
        if value is not None:
            field = OPTION_FIELD.get(option, option)
            desired[field], source[field] = value, where + option
    for field, value in (params.get("settings") or {}).items():
        label = "%ssettings.%s" % (where, field)
        if field not in WRITABLE_FIELDS:
            raise InputError("Option '%ssettings': %r is not a writable content field. Writable fields: %s."
                                    % (where, field, ", ".join(sorted(WRITABLE_FIELDS))))
        if field in desired:
            raise InputError("Option '%s' sets %s, which option '%s' already sets; set it once."
                                    % (label, field, source[field]))
        value = _coerce(field, value, "Option '%s'" % label)
        if field == "default_environment_guid" and value:
            value = value.lower()  # as Connect stores it
        desired[field], source[field] = value, label
    for field in params.get("reset") or []:
        if field not in RESETTABLE_FIELDS:
            raise InputError("Option '%sreset': %r cannot be reset to the server default. Fields that can: %s."
                                    % (where, field, ", ".join(sorted(RESETTABLE_FIELDS))))
        if field in source:
            raise InputError("Option '%sreset' lists %s, which option '%s' sets; do one or the other."
                                    % (where, field, source[field]))
        desired[field], source[field] = None, where + "reset"
    _check_values(desired, source)
    return desired


def _check_values(desired, source):
    for field, value in desired.items():
        if value is None:
            continue
        if field in NON_NEGATIVE_FIELDS and value < 0:
            raise InputError("Option '%s' must be 0 or more, got %s." % (source[field], value))
        if field in FIELD_CHOICES and value not in FIELD_CHOICES[field]:
            raise InputError("Option '%s' must be one of %s, got %r."
                                    % (source[field], ", ".join(repr(c) for c in FIELD_CHOICES[field]), value))
    if desired.get("max_processes") == 0:
        raise InputError("Option '%s' must be 1 or more, got 0." % source["max_processes"])
    if desired.get("load_factor") is not None and desired["load_factor"] > 1:
        raise InputError("Option '%s' must be between 0 and 1, got %s." % (source["load_factor"], desired["load_factor"]))
    if desired.get("default_environment_guid") is not None and not is_guid(desired["default_environment_guid"]):
        raise InputError("Option '%s' must be an environment guid, got %r."
                                % (source["default_environment_guid"], desired["default_environment_guid"]))
    if desired.get("name") is not None:
        check_name(desired["name"], source["name"])
    if "min_processes" in desired and "max_processes" in desired:
        check_process_limits({}, desired, "Options '%s' and '%s': " % (source["min_processes"], source["max_processes"]))


def check_name(name, option="name"):
    if not NAME_RE.match(name):
        raise InputError("Option '%s': %r is not a valid content name; use letters, digits, '.', '-' and '_'."
                                % (option, name))


def check_guid(guid, option="guid"):
    return _check_guid(guid, option, "content", "Use 'name' to select content by name.")


def check_process_limits(current, desired, where=""):
    """min_processes may not exceed max_processes, counting the current value of the one not given."""
    low = desired["min_processes"] if "min_processes" in desired else current.get("min_processes")
    high = desired["max_processes"] if "max_processes" in desired else current.get("max_processes")
    if low is not None and high is not None and low > high:
        def told(field, value):
            return "%s (%s%s)" % (field, value, "" if field in desired else ", its current value")
        raise InputError("%s%s is greater than %s; lower min_processes or raise max_processes."
                                % (where, told("min_processes", low), told("max_processes", high)))


# -- comparison --------------------------------------------------------------


def _same(current, wanted):
    if isinstance(current, bool) or isinstance(wanted, bool):
        return current is wanted
    return current == wanted


def compute_patch(current, desired):
    """The desired fields whose value differs from the current item's."""
    return dict((field, value) for field, value in desired.items() if not _same(current.get(field), value))


def make_diff(before, after, header=None):
    diff = dict(before=before, after=after)
    if header:
        diff["before_header"] = diff["after_header"] = header
    return diff


def describe(content):
    """'guid (name)' for messages."""
    return "%s (%s)" % (content.get("guid"), content.get("name"))


# -- reads -------------------------------------------------------------------


def get_content(client, guid, params=None):
    """One item by guid, or None when Connect does not know it."""
    return client.get_or_none("v1/content/%s" % guid, params=params)


def require_content(client, guid, option="content"):
    """The item with this guid; an InputError when it is malformed or unknown."""
    _check_guid(guid, option, "content")
    content = get_content(client, guid)
    if content is None:
        raise InputError("Option '%s': no content item with guid %r (or the API key's user "
                         "cannot see it)." % (option, guid))
    return content


def list_content(client, name=None, owner_guid=None, include=None):
    params = {}
    if name is not None:
        params["name"] = name
    if owner_guid is not None:
        params["owner_guid"] = owner_guid
    if include:
        params["include"] = ",".join(include)
    items = client.get("v1/content", params=params or None) or []
    if name is not None:  # the server filter is exact; keep it so on any server
        items = [item for item in items if item.get("name") == name]
    return items


def pick_by_name(matches, name, owner_guid=None, where=""):
    """The one item among those named `name`; several are narrowed by owner, else an error."""
    if len(matches) > 1 and owner_guid is not None:
        owned = [item for item in matches if item.get("owner_guid") == owner_guid]
        if len(owned) == 1:
            return owned[0]
    if len(matches) > 1:
        listed = ", ".join("%s (owner %s)" % (item.get("guid"), (item.get("owner") or {}).get("username")
                                              or item.get("owner_guid")) for item in matches)
        raise InputError("Option '%sname': %d content items are named %r: %s. Set 'guid' to choose one, "
                                "or 'owner' to choose the one that user owns." % (where, len(matches), name, listed))
    return matches[0] if matches else None


class OwnerResolver:
    """Resolves owner usernames/guids to users who may own content, once per value."""

    def __init__(self, client):
        self.client = client
        self._cache = {}

    def require(self, value, option="owner"):
        if value not in self._cache:
            try:
                self._cache[value] = (require_owner(self.client, value, option), None)
            except (InputError, ConnectError) as exc:
                self._cache[value] = (None, exc)
        user, error = self._cache[value]
        if error is not None:
            raise error
        return user


# -- writes ------------------------------------------------------------------


class ContentManager:
    """Brings content items to a desired state: one item (ensure) or many (ensure_many)."""

    def __init__(self, client, check_mode=False, diff_mode=False, concurrency=8, warn=None):
        self.client = client
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.concurrency = concurrency
        self.warn = warn or (lambda msg: None)
        self.owners = OwnerResolver(client)
        self._unreachable = None  # set when a batch request got no answer after its retries

    # single item ------------------------------------------------------------

    def ensure(self, params):
        """connect_content without `items`: returns the module result."""
        guid, name, state = params.get("guid"), params.get("name"), params.get("state") or "present"
        check_guid(guid)
        desired = desired_fields(params)
        if guid is not None and name is not None:
            desired["name"] = name  # with a guid, name is the name to give the item
            check_name(name)
        owner_guid = None
        if state == "present" and desired.get("owner_guid") is not None:
            owner_guid = desired["owner_guid"] = self.owners.require(desired["owner_guid"])["guid"]

        if guid is not None:
            current = get_content(self.client, guid)
        else:
            matches = list_content(self.client, name=name, include=["owner"])
            if len(matches) > 1 and owner_guid is None and desired.get("owner_guid") is not None:
                owner_guid = self.owners.require(desired["owner_guid"])["guid"]  # only to choose which to delete
            current = pick_by_name(matches, name, owner_guid)
            if current is not None:
                current.pop("owner", None)  # added by include=owner; not a field of the item

        if state == "absent":
            return self._absent(current)
        if current is None:
            if guid is not None:
                raise InputError("Option 'guid': no content with guid %s. To create an item, give 'name' "
                                        "without 'guid'." % guid)
            return self._create_one(name, desired)
        return self._update_one(current, desired)

    def _absent(self, current):
        result = dict(changed=current is not None, content={})
        if current is not None and not self.check_mode:
            self.client.delete("v1/content/%s" % current["guid"])
        if self.diff_mode:
            result["diff"] = make_diff(current or {}, {})
        return result

    def _update_one(self, current, desired):
        check_process_limits(current, desired)
        patch = compute_patch(current, desired)
        after = current
        if patch:
            if self.check_mode:
                after = dict(current)
                after.update(patch)
            else:
                after = self.client.patch("v1/content/%s" % current["guid"], body=patch) or dict(current, **patch)
        result = dict(changed=bool(patch), content=after)
        if self.diff_mode:
            result["diff"] = make_diff(dict((f, current.get(f)) for f in patch), patch)
        return result

    def _create_one(self, name, desired):
        check_name(name)
        desired = dict(desired, name=name)
        if self.check_mode:
            content = dict(desired)
        else:
            content = self.create(name, desired)
        result = dict(changed=True, content=content)
        if self.diff_mode:
            result["diff"] = make_diff({}, desired)
        return result

    def create(self, name, desired):
        """POST the creatable fields, then at most one PATCH for the rest.

        A POST whose response was lost (connection error, timeout, 5xx) is never
        repeated: the item is looked up by name first.
        """
        body = dict((f, v) for f, v in desired.items() if f in CREATABLE_FIELDS and v is not None)
        body["name"] = name
        try:
            created = self.client.post("v1/content", body=body)
        except ConnectError as exc:
            if exc.status is not None and exc.status < 500:
                raise
            created = self._find_after_lost_create(name, exc)
        patch = compute_patch(created, desired)
        if patch:
            try:
                created = self.client.patch("v1/content/%s" % created["guid"], body=patch) or dict(created, **patch)
            except ConnectError as exc:
                error = PartlyCreatedError(
                    "Created content %s but could not then set %s: %s" % (describe(created), ", ".join(sorted(patch)), exc.message),
                    method=exc.method, path=exc.path, status=exc.status, code=exc.code, payload=exc.payload)
                error.content = created
                raise error
        return created

    def _find_after_lost_create(self, name, exc):
        try:
            matches = list_content(self.client, name=name)
            if len(matches) > 1:
                me = self.client.get("v1/user") or {}
                matches = [item for item in matches if item.get("owner_guid") == me.get("guid")]
        except ConnectError as lookup:
            raise ConnectError("%s. Whether content %r was created is unknown (looking it up failed too: %s); "
                               "check Connect before re-running." % (exc.message, name, lookup.message),
                               method=exc.method, path=exc.path, status=exc.status, code=exc.code)
        if len(matches) == 1:
            self.warn("The response to creating content %r was lost (%s); found the created item %s."
                      % (name, exc.message, matches[0].get("guid")))
            return matches[0]
        if not matches:
            raise ConnectError("%s. No content named %r exists, so nothing was created; re-run to create it."
                               % (exc.message, name),
                               method=exc.method, path=exc.path, status=exc.status, code=exc.code)
        raise ConnectError("%s. Several items named %r now exist (%s); check which one to keep."
                           % (exc.message, name, ", ".join(item.get("guid") for item in matches)),
                           method=exc.method, path=exc.path, status=exc.status, code=exc.code)

    # many items -------------------------------------------------------------

    def ensure_many(self, params, items):
        """connect_content with `items`: one listing, concurrent writes of what differs.

        Returns the module result; result["failed"] is true when any item failed.
        """
        top = desired_fields(params)
        top_state = params.get("state") or "present"
        plans = []
        for index, item in enumerate(items or []):
            where = "items[%d]." % index
            check_guid(item.get("guid"), where + "guid")
            desired = dict(top)
            desired.update(desired_fields(item, where))
            if item.get("guid") is not None and item.get("name") is not None:
                check_name(item["name"], where + "name")
                desired["name"] = item["name"]
            check_process_limits({}, desired, "Option '%s': " % where[:-1])
            guid = item["guid"].lower() if item.get("guid") else None
            plans.append((index, guid, item.get("name"), item.get("state") or top_state, desired))
        check_process_limits({}, top)

        owned_by = None
        if params.get("owned_by") is not None:
            owned_by = require_user(self.client, params["owned_by"], "owned_by")
        new_owner = None
        if top.get("owner_guid") is not None and (owned_by is not None or any(plan[3] == "present" for plan in plans)):
            new_owner = self.owners.require(top["owner_guid"])  # a bad owner for every item fails before anything else

        # One listing: all content the key can see, or only what `owned_by` owns.
        listing = self.client.get("v1/content", params={"owner_guid": owned_by["guid"]} if owned_by else None) or []
        by_guid = dict((item.get("guid", "").lower(), item) for item in listing)
        by_name = {}
        if any(plan[1] is None for plan in plans):
            for item in listing:
                by_name.setdefault(item.get("name"), []).append(item)
        if owned_by is not None and items is None:
            plans = [(index, item["guid"].lower(), None, top_state, dict(top)) for index, item in enumerate(listing)]

        results, actions, taken = [None] * len(plans), [], {}
        for plan in plans:
            index, guid, name, state, desired = plan
            try:
                if owned_by is not None and not (by_guid.get(guid) if guid else by_name.get(name)):
                    entry, action = self._not_owned(plan, owned_by), None
                else:
                    entry, action = self._plan_item(plan, by_guid, by_name, taken)
            except (InputError, ConnectError) as exc:
                entry, action = self._failed(index, guid, name, exc), None
            results[index] = entry
            if action is not None:
                actions.append(action)

        if actions and not self.check_mode:
            for action, entry, error in self.client.map_concurrent(self._apply, actions, self.concurrency):
                if error is not None:  # _apply handles its own errors; this is a safety net
                    entry = self._failed(action[0], action[2].get("guid"), action[2].get("name"), error)
                results[entry["index"]] = entry

        failed = [entry for entry in results if entry["failed"]]
        changed = [entry for entry in results if entry["changed"]]
        result = dict(
            changed=bool(changed), results=results,
            matched=sum(1 for entry in results if entry.get("matched")),
            changed_count=len(changed), failed_count=len(failed),
            failed_items=[dict(index=e["index"], guid=e["guid"], name=e["name"], msg=e["msg"]) for e in failed],
        )
        for entry in results:
            entry.pop("matched", None)
        if owned_by is not None:
            result["owned_by"] = dict(guid=owned_by.get("guid"), username=owned_by.get("username"))
        if new_owner is not None:
            result["owner"] = dict(guid=new_owner.get("guid"), username=new_owner.get("username"))
        if self.diff_mode:
            result["diff"] = [entry["diff"] for entry in changed if "diff" in entry]
        if failed:
            result["failed"] = True
            shown = "; ".join("items[%d] %s: %s" % (e["index"], e["guid"] or e["name"], e["msg"]) for e in failed[:5])
            result["msg"] = "%d of %d content items failed (the others were %s): %s%s" % (
                len(failed), len(results), "checked" if self.check_mode else "applied", shown,
                "; ..." if len(failed) > 5 else "")
        else:
            result["msg"] = "%d of %d content items %s." % (
                len(changed), len(results), "would change" if self.check_mode else "changed")
        return result

    def _plan_item(self, plan, by_guid, by_name, taken):
        """(result entry, action or None) for one item; raises for a failed item."""
        index, guid, name, state, desired = plan
        if state == "present" and desired.get("owner_guid") is not None:
            desired["owner_guid"] = self.owners.require(desired["owner_guid"])["guid"]
        if guid is not None:
            current = by_guid.get(guid)
        else:
            matches = by_name.get(name, [])
            owner_guid = desired.get("owner_guid")
            if state == "absent":  # the owner only chooses which of several to delete
                owner_guid = self.owners.require(owner_guid)["guid"] if owner_guid and len(matches) > 1 else None
            current = pick_by_name(matches, name, owner_guid, "items[%d]." % index)
        key = current["guid"] if current is not None else "name:%s" % name
        if key in taken:
            raise InputError("items[%d] selects the same content as items[%d]; list each item once."
                                    % (index, taken[key]))
        taken[key] = index

        entry = dict(index=index, guid=guid, name=name, changed=False, failed=False, changes={},
                     matched=current is not None)
        if current is not None:
            entry.update(guid=current.get("guid"), name=current.get("name"), title=current.get("title"))
        if state == "absent":
            if current is None:
                entry["msg"] = "absent"
                return entry, None
            return self._planned(entry, "delete", "deleted", current, {}), ("delete", entry, current, {})
        if current is None:
            if guid is not None:
                raise InputError("no content with guid %s" % guid)
            check_name(name, "items[%d].name" % index)
            desired = dict(desired, name=name)
            return self._planned(entry, "create", "created", {}, desired), ("create", entry, {}, desired)
        check_process_limits(current, desired, "items[%d]: " % index)
        patch = compute_patch(current, desired)
        if not patch:
            entry["msg"] = "unchanged"
            return entry, None
        return self._planned(entry, "update", "updated", current, patch), ("update", entry, current, patch)

    @staticmethod
    def _not_owned(plan, owned_by):
        """An entry of `items` that `owned_by` does not own: left as it is."""
        index, guid, name = plan[:3]
        return dict(index=index, guid=guid, name=name, changed=False, failed=False, changes={}, matched=False,
                    msg="skipped: not owned by %s" % owned_by.get("username"))

    def _planned(self, entry, verb, done, current, changes):
        entry.update(changed=True, changes=changes)
        if verb == "update":
            entry["msg"] = "%s %s" % ("would update" if self.check_mode else "updated", ", ".join(sorted(changes)))
        else:
            entry["msg"] = ("would %s" % verb) if self.check_mode else done
        if self.diff_mode:
            header = "%s (%s)" % (entry["guid"] or "new", entry["name"])
            if verb == "update":
                entry["diff"] = make_diff(dict((f, current.get(f)) for f in changes), changes, header)
            elif verb == "delete":
                entry["diff"] = make_diff(current, {}, header)
            else:
                entry["diff"] = make_diff({}, changes, header)
        return entry

    def _apply(self, action):
        verb, entry, current, changes = action
        if self._unreachable is not None:  # the server went away: do not wait out retries once per item
            entry.update(changed=False, failed=True, msg="not attempted: %s" % self._unreachable)
            entry.pop("diff", None)
            return entry
        try:
            if verb == "update":
                self.client.patch("v1/content/%s" % current["guid"], body=changes)
            elif verb == "delete":
                self.client.delete("v1/content/%s" % current["guid"])
            else:
                created = self.create(changes["name"], changes)
                entry.update(guid=created.get("guid"), title=created.get("title"))
        except ConnectError as exc:
            if exc.status is None and self._unreachable is None:  # no answer at all, after the retries
                self._unreachable = "an earlier request got no answer from Connect (%s)" % exc.message
            entry.update(changed=False, failed=True, msg=exc.message, error=exc.to_dict())
            if isinstance(exc, PartlyCreatedError):
                entry.update(changed=True, guid=exc.content.get("guid"))
            entry.pop("diff", None)
        return entry

    def _failed(self, index, guid, name, exc):
        entry = dict(index=index, guid=guid, name=name, changed=False, failed=True, changes={}, msg=str(exc))
        if isinstance(exc, ConnectError):
            entry["error"] = exc.to_dict()
        return entry


# -- connect_content_info -------------------------------------------------------


def content_info(client, params, concurrency=8):
    """The content matching connect_content_info's filters, as Connect returns it."""
    guid = params.get("guid")
    check_guid(guid)
    include = params.get("include") or []
    server_include = [name for name in ("owner", "tags") if name in include]
    owner_guid = None
    if params.get("owner") is not None:
        owner = params["owner"]
        owner_guid = owner if is_guid(owner) else require_user(client, owner, "owner")["guid"]

    if guid is not None:
        item = get_content(client, guid, params={"include": ",".join(server_include)} if server_include else None)
        items = [item] if item is not None else []
    else:
        items = list_content(client, name=params.get("name"), owner_guid=owner_guid, include=server_include)

    def keep(item):
        if guid is not None and params.get("name") is not None and item.get("name") != params["name"]:
            return False
        if guid is not None and owner_guid is not None and item.get("owner_guid") != owner_guid:
            return False
        if params.get("id") is not None and str(item.get("id")) != str(params["id"]):
            return False
        if params.get("app_mode") and item.get("app_mode") not in params["app_mode"]:
            return False
        if params.get("access_type") and item.get("access_type") not in params["access_type"]:
            return False
        return True

    items = [item for item in items if keep(item)]
    if "permissions" in include and items:
        def permissions(item):
            try:
                return client.get("v1/content/%s/permissions" % item["guid"]) or []
            except ConnectError as exc:
                if exc.status == 404:  # deleted since it was listed
                    return None
                raise
        kept = []
        for item, acl, error in client.map_concurrent(permissions, items, concurrency):
            if error is not None:
                raise error
            if acl is not None:
                item["permissions"] = acl
                kept.append(item)
        items = kept
    return items
