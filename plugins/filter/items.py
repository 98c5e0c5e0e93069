# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that shape role variables into module options."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def to_items(values, key="guid"):
    """[a, b] -> [{key: a}, {key: b}]: a list of guids (or names) as the `items` of a batch module."""
    return [{key: value} for value in values or []]


class FilterModule(object):
    def filters(self):
        return dict(to_items=to_items)
