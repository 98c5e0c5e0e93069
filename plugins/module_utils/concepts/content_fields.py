# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Content items' field options and their validation: connect_content's and connect_deploy's argument spec,
the desired fields of an item, names, guids and process limits, checked before any request.

The fields themselves (which are writable, their kinds and limits) are in fields.py; the content reads in
content_query.py. Bad input raises InputError. Nothing here depends on AnsibleModule.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.common.validation import check_type_bool, check_type_float, check_type_int

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.fields import (
    FIELD_CHOICES,
    FIELD_OPTIONS,
    NON_NEGATIVE_FIELDS,
    NOT_NULLABLE,
    OPTION_FIELD,
    RESETTABLE_FIELDS,
    TITLE_LENGTH,
    WRITABLE_FIELDS,
)
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import check_guid as _check_guid
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import is_guid

NAME_RE = re.compile(r"^[A-Za-z0-9._-]+$")


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
    if desired.get("title") is not None and not TITLE_LENGTH[0] <= len(desired["title"]) <= TITLE_LENGTH[1]:
        raise InputError("Option '%s' must be %d to %d characters long (Connect refuses other titles), got %r."
                         % ((source["title"],) + TITLE_LENGTH + (desired["title"],)))
    if desired.get("name") is not None:
        check_name(desired["name"], source["name"])
    if "min_processes" in desired and "max_processes" in desired:
        check_process_limits({}, desired, "Options '%s' and '%s': " % (source["min_processes"], source["max_processes"]))


def check_name(name, option="name"):
    if not NAME_RE.match(name) or len(name) > 64:
        raise InputError("Option '%s': %r is not a valid content name; use 1 to 64 letters, digits, '.', '-' and '_'."
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
