# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of user input that every module shares, made before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError

GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
GUID_EXAMPLE = "9b4f3e2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"


def is_guid(value):
    return bool(value) and GUID_RE.match(str(value)) is not None


def check_guid(value, option, kind="content", hint=None):
    """Raise InputError unless value (when set) is a guid; the one message shape for every guid option."""
    if value is not None and not is_guid(value):
        raise InputError("Option '%s': %r is not a %s guid (a guid looks like %s).%s"
                         % (option, value, kind, GUID_EXAMPLE, " " + hint if hint else ""))
    return value.lower() if value is not None else None


def check_not_empty(params, *options):
    """Raise InputError for the first of `options` that is set to blank text."""
    for option in options:
        if params.get(option) is not None and not str(params[option]).strip():
            raise InputError("Option '%s': must not be empty; give a value or leave the option out." % option)
