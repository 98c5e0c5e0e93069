# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_schedule_info: the selection read with include=schedule (Connect's ContentSchedule per variant), and
with `history` GET /v1/content/{guid}/schedule/history per scheduled item, concurrently. Connect's versioned API
has no schedule writes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import answered
from ansible_collections.posit.connect.plugins.module_utils.concepts.schedules import describe, describe_change
from ansible_collections.posit.connect.plugins.module_utils.concepts.selection import select


def schedule_info(client, params, warn):
    """connect_schedule_info's result."""
    history = params.get("history")
    if history is not None and history < 1:
        raise InputError("Option 'history' must be 1 or more, got %s; leave it out to read no history." % history)
    items = select(client, params, include=["schedule"])
    if items and not answered(items, "schedules"):
        warn("This Connect server did not answer include=schedule on GET /v1/content (an older release); "
             "no schedules can be read from it.")
    schedules = [describe(item, schedule) for item in items for schedule in item.get("schedules") or []]
    if history:
        def read(entry):
            params = {"variant": entry["variant_key"]} if entry["variant_key"] else None
            return client.get_or_none("v1/content/%s/schedule/history" % entry["content_guid"], params=params)

        for entry, answer, error in client.map_concurrent(read, schedules, params.get("concurrency") or 8):
            if error is not None:
                raise error
            results = (answer or {}).get("results") or []
            found = next((r for r in results if r.get("variant_key") == entry["variant_key"]),
                         results[0] if len(results) == 1 else {})
            entry["history"] = [describe_change(change) for change in (found.get("history") or [])[:history]]
            entry["history_total"] = found.get("total_count")
    return dict(changed=False, schedules=schedules, count=len(schedules), item_count=len(items))
