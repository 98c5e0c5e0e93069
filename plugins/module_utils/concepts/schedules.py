# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a schedule of rendered content says (Connect's ContentSchedule, and a change of its history), as
connect_schedule_info and content_as_code show it. Imports nothing, so filters load it without the client.

No recording of either answer exists: every field is read with a fallback (a missing field is null).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

LAST_RUN_FIELDS = ("job_key", "status", "scheduled_time", "queued_time", "start_time", "end_time", "exit_code",
                   "run_duration_ms")


def describe(item, schedule):
    """One schedule of an item: its rule, next run and last run (where Connect reports them)."""
    variant = schedule.get("variant") or {}
    last = schedule.get("last_run")
    return dict(
        content_guid=item.get("guid"), content_name=item.get("name"), content_title=item.get("title"),
        variant_key=variant.get("key"), rule=schedule.get("schedule"), type=schedule.get("type"),
        timezone=schedule.get("timezone"), start_time=schedule.get("start_time"), end_time=schedule.get("end_time"),
        next_run=schedule.get("next_run"), email=schedule.get("email"),
        last_run=dict((field, last.get(field)) for field in LAST_RUN_FIELDS) if isinstance(last, dict) else None,
    )


def describe_change(change):
    user = change.get("user") or {}
    return dict(change_type=change.get("change_type"), change_time=change.get("change_time"),
                username=user.get("username"), user_guid=user.get("guid"),
                schedule=(change.get("new_schedule") or {}).get("schedule"))
