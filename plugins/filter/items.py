# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters between roles and modules: role variables shaped into module options, module errors into role
messages."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def to_items(values, key="guid"):
    """[a, b] -> [{key: a}, {key: b}]: a list of guids (or names) as the `items` of a batch module."""
    return [{key: value} for value in values or []]


def role_error(result, variables):
    """A failed module task's message as a role says it: the error's reason after the role variable its option
    came from (`variables` maps option -> variable name), else the task's own msg."""
    error = (result or {}).get("error") or {}
    option = error.get("option")
    if isinstance(option, str) and option in (variables or {}):
        return "%s: %s" % (variables[option], error.get("reason"))
    return (result or {}).get("msg")


class FilterModule(object):
    def filters(self):
        return dict(to_items=to_items, role_error=role_error)
