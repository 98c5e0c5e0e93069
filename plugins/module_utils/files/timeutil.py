# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Times in options and records: RFC3339, relative (-7d) and dates; formatting for Connect's query parameters.

Bad input raises InputError naming the option."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from datetime import datetime, timedelta, timezone

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError

RFC3339_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$")
RELATIVE_RE = re.compile(r"^-\s*(\d+)\s*([smhdw])$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
RELATIVE_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
TIME_EXAMPLES = ("an RFC3339 time such as 2025-01-31T12:00:00Z, a date such as 2025-01-31 (00:00 UTC) "
                 "or a relative time such as -7d, -12h or -30m")


def parse_rfc3339(text):
    """'2025-01-31T12:00:00.123456789-05:00' -> aware datetime (microseconds), or None."""
    match = RFC3339_RE.match(str(text).strip()) if text is not None else None
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    if zone in ("Z", "z"):
        tz = timezone.utc
    else:
        sign = 1 if zone[0] == "+" else -1
        tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                        micro, tzinfo=tz)
    except ValueError:
        return None


def parse_time(value, option, now=None):
    """An option's time (RFC3339, a date meaning 00:00 UTC that day, or relative like -7d) -> aware UTC datetime;
    None stays None."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    match = RELATIVE_RE.match(text)
    if match:
        now = now or datetime.now(timezone.utc)
        return now - timedelta(**{RELATIVE_UNITS[match.group(2)]: int(match.group(1))})
    parsed = parse_rfc3339(text)
    date = DATE_RE.match(text)
    if parsed is None and date:
        try:
            parsed = datetime(*(int(part) for part in date.groups()), tzinfo=timezone.utc)
        except ValueError:
            parsed = None
    if parsed is None:
        raise InputError("Option '%s': %r is not a time; use %s." % (option, value, TIME_EXAMPLES))
    return parsed.astimezone(timezone.utc)


def parse_window(since, until, now=None):
    """Both bounds from the options (one 'now' for both); raise when since is after until."""
    now = now or datetime.now(timezone.utc)
    start = parse_time(since, "since", now)
    end = parse_time(until, "until", now)
    if start is not None and end is not None and start > end:
        raise InputError("Options 'since' (%s) and 'until' (%s): since is after until; swap them."
                         % (since, until))
    return start, end


def format_time(moment):
    """Aware datetime -> RFC3339 in UTC, e.g. 2025-01-31T12:00:00Z (microseconds when set)."""
    moment = moment.astimezone(timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += ".%06d" % moment.microsecond
    return text + "Z"


def entry_time(entry):
    """The parsed time of an audit log entry (its `time`), or None."""
    return parse_rfc3339(entry.get("time"))
