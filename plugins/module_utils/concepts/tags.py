# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tag paths ("Department/Finance"): parsed from input, and built from the tag tree (GET /v1/tags).

The one home of the tag-path rules, for connect_tag, connect_content's tags facet and the content reads.
Pure: no request is sent here (the callers read the tree).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError

MAX_TAG_NAME = 255  # Connect refuses a longer tag name


def split_path(path, option):
    """A tag path's names, from the category down; raise InputError for an empty name or one Connect refuses."""
    names = [name.strip() for name in str(path or "").split("/")]
    if not all(names):
        raise InputError("Option '%s': %r is not a tag path; write the tag after its parents with '/' between them, "
                         "e.g. 'Department/Finance'." % (option, path))
    for name in names:
        if len(name) > MAX_TAG_NAME:
            raise InputError("Option '%s': the tag name %r is longer than %d characters, which Connect refuses."
                             % (option, name[:40] + "...", MAX_TAG_NAME))
    return names


def tags_by_id(tags):
    """The tag tree as GET /v1/tags answers it, by id (a string)."""
    return dict((str(tag["id"]), tag) for tag in tags or [])


def tag_path(tag, by_id):
    """The path of a tag (a dict with name and parent_id), its ancestors looked up in by_id; an ancestor that
    is not there ends the path (a cycle too)."""
    names, seen = [], set()
    while tag is not None and str(tag.get("id")) not in seen:
        seen.add(str(tag.get("id")))
        names.insert(0, tag["name"])
        tag = by_id.get(str(tag["parent_id"])) if tag.get("parent_id") is not None else None
    return "/".join(names)


def tag_paths(by_id):
    """id -> path for every tag of the tree."""
    return dict((tag_id, tag_path(tag, by_id)) for tag_id, tag in by_id.items())
