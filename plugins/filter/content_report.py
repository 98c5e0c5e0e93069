# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the content_report role: content, users, groups and usage joined into report rows; chart
data; CSV text. Plain Python over lists, so thousands of items take milliseconds, not a task per item."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io
from collections import Counter

from jinja2.utils import htmlsafe_json_dumps

from urllib.parse import urlsplit

COLUMNS = ("guid", "id", "name", "title", "app_mode", "access_type", "owner", "created_time",
           "last_deployed_time", "permissions", "shiny_sessions", "visits", "usage", "dashboard_url")


def _by_guid(records, key="guid"):
    return dict((record.get(key), record) for record in records or [])


def _counts(summary):
    return dict((row.get("content_guid"), row.get("count", 0)) for row in (summary or {}).get("by_content", []))


def report_rows(content, users=None, groups=None, shiny=None, visits=None, packages=None):
    """One row per content item (see COLUMNS); usage columns are null when no usage summary is given.

    With `packages` (the rows of connect_package_info), each row also has `packages`, how many packages the
    item uses (distinct language and name)."""
    users, groups = _by_guid(users), _by_guid(groups)
    shiny_counts, visit_counts = _counts(shiny), _counts(visits)
    with_usage = shiny is not None or visits is not None
    package_counts = None
    if packages is not None:
        used = set((p.get("content_guid"), p.get("language"), p.get("name")) for p in packages)
        package_counts = Counter(key[0] for key in used)
    rows = []
    for item in content or []:
        owner = item.get("owner") or users.get(item.get("owner_guid")) or {}
        row = dict((column, item.get(column)) for column in COLUMNS)
        row["owner"] = owner.get("username") or item.get("owner_guid")
        row["permissions"] = None
        if "permissions" in item:
            row["permissions"] = summarize_permissions(item["permissions"], users, groups)
        row["shiny_sessions"] = row["visits"] = row["usage"] = None
        if with_usage:
            row["shiny_sessions"] = shiny_counts.get(item.get("guid"), 0)
            row["visits"] = visit_counts.get(item.get("guid"), 0)
            row["usage"] = row["shiny_sessions"] + row["visits"]
        if package_counts is not None:
            row["packages"] = package_counts.get(item.get("guid"), 0)
        rows.append(row)
    return rows


def summarize_permissions(acl, users, groups):
    """'alice (owner); bob (viewer); group data-science (viewer)': who besides the owner may see or change
    the item; users first, then groups, each sorted by role, then name. A principal is named from `users` or
    `groups` when given, else by the entry's principal_name (connect_content_info names each entry), else by its
    guid."""
    entries = []
    for entry in acl or []:
        guid, is_group = entry.get("principal_guid"), entry.get("principal_type") == "group"
        named = entry.get("principal_name")
        if is_group:
            name = "group %s" % ((groups.get(guid) or {}).get("name") or named or guid)
        else:
            name = (users.get(guid) or {}).get("username") or named or guid
        entries.append((is_group, entry.get("role") or "", name.lower(), "%s (%s)" % (name, entry.get("role"))))
    return "; ".join(entry[-1] for entry in sorted(entries))


def report_charts(rows, top=10, packages=None):
    """Chart data: content by type, by owner (top owners plus 'others') and the most used items.

    With `packages` (the summary of connect_package_info), also `packages`: the `top` packages with the most
    versions in use (then the most items, then by name)."""
    def ranked(counter):
        return [dict(label=label, value=value) for label, value in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]

    def capped(bars):  # the top bars, and one bar for the rest
        if len(bars) <= top:
            return bars
        rest = bars[top - 1:]
        return bars[:top - 1] + [dict(label="%d others" % len(rest), value=sum(entry["value"] for entry in rest), other=True)]

    by_type = capped(ranked(Counter(row.get("app_mode") or "unknown" for row in rows)))
    owners = capped(ranked(Counter(row.get("owner") or "unknown" for row in rows)))
    used = sorted((row for row in rows if row.get("usage")), key=lambda row: (-row["usage"], row.get("name") or ""))
    most_used = [dict(label=row.get("title") or row.get("name"), value=row["usage"]) for row in used[:top]]
    charts = dict(by_type=by_type, by_owner=owners, most_used=most_used)
    if packages is not None:
        ranked_packages = sorted(packages, key=lambda p: (-len(p.get("versions") or []), -(p.get("items") or 0),
                                                          str(p.get("name")).lower(), str(p.get("language"))))
        charts["packages"] = ranked_packages[:top]
    return charts


def _text(value):
    return "" if value is None else str(value)


def _link(row):
    """The row's dashboard_url when the title can link to it: an http or https address (never javascript:,
    data: ...), as a browser reads it (urlsplit drops leading blanks and tabs the way a browser does)."""
    url = row.get("dashboard_url")
    if not row.get("title") or not url:
        return ""
    return str(url) if urlsplit(str(url)).scheme.lower() in ("http", "https") else ""


def report_table(rows, packages=False):
    """The page's table as JSON text that is safe inside an HTML <script> element: one array per row, its cells in
    the table's order (title, link, name, app_mode, access_type, owner, created date, last deployed date,
    permissions, usage, packages when `packages`, id, guid). `<`, `>`, `&` and `'` are JSON escapes, so no value can
    end the element, and the page's script writes each value with textContent. One short array per row keeps a
    page of 10,000 items small and its rendering quick."""
    table = []
    for row in rows or []:
        cells = [_text(row.get("title")), _link(row), _text(row.get("name")), _text(row.get("app_mode")),
                 _text(row.get("access_type")), _text(row.get("owner")), _text(row.get("created_time"))[:10],
                 _text(row.get("last_deployed_time"))[:10], _text(row.get("permissions")), row.get("usage")]
        if packages:
            cells.append(row.get("packages"))
        cells += [_text(row.get("id")), _text(row.get("guid"))]
        table.append(cells)
    return str(htmlsafe_json_dumps(table, separators=(",", ":")))


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value as a CSV cell: null is empty, a number is written as it is (a number is never a formula, so
    -5 stays -5), and any other value is text, with a single quote before it when it starts like a formula
    (the text '-5' or '=cmd' is written '-5 or '=cmd, which a spreadsheet shows as text)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(rows, columns=None):
    """CSV text (RFC 4180: a header line, then one line per row, each ending in CRLF; a cell with a comma,
    a quote or a line break is quoted); null is an empty cell; text that starts like a formula gets a
    single quote in front (see csv_cell).

    The columns are COLUMNS, and `packages` after them when the rows have it."""
    if columns is None:
        columns = COLUMNS + (("packages",) if rows and "packages" in rows[0] else ())
    out = io.StringIO()
    writer = csv.writer(out)  # the excel dialect: CRLF ends a row, so a lone CR or LF in a cell is quoted
    writer.writerow([csv_cell(column) for column in columns])
    for row in rows or []:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return out.getvalue()


class FilterModule(object):
    def filters(self):
        return dict(report_rows=report_rows, report_charts=report_charts, report_table=report_table, to_csv=to_csv)
