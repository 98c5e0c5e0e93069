# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Usage records (Shiny sessions, content visits and content hits): query parameters, paging and the per-content and
per-user summary."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.client import LISTING_PAGES_AT_ONCE
from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import check_guid
from ansible_collections.posit.connect.plugins.module_utils.files.timeutil import format_time, parse_window

USAGE_PATHS = {
    "shiny": "v1/instrumentation/shiny/usage",
    "visits": "v1/instrumentation/content/visits",
    "hits": "v1/instrumentation/content/hits",
}
HITS_GUIDS_SINCE = (2026, 1, 0)  # GET .../content/hits filters by content_guid (several joined with "|") from this release
# The field holding each usage record's time.


def usage_params(since=None, until=None, content_guid=None):
    """Query parameters of the instrumentation endpoints (oldest first)."""
    params = {"asc_order": "true"}
    if since is not None:
        params["from"] = format_time(since)
    if until is not None:
        params["to"] = format_time(until)
    if content_guid:
        params["content_guid"] = content_guid
    return params


def iter_usage(client, kind, params):
    return client.paginate_keyset(USAGE_PATHS[kind], params)


def known_users(usage, users):
    """The records of the signed-in users of `usage`, reading `users` (any iterable of user records, such as
    the client's paging generator) only until every one is found; each keeps only its guid and username (what the
    rows and the summary read)."""
    wanted = set(record.get("user_guid") for record in usage if record.get("user_guid"))
    found = []
    for user in users if wanted else []:
        if user.get("guid") in wanted:
            found.append(dict((key, value) for key, value in user.items() if key in ("guid", "username")))
            if len(found) == len(wanted):
                break
    return found


USAGE_CONTENT_KEYS = frozenset(("guid", "title", "name"))  # what usage_rows and summarize_usage read of an item


def usage_rows(usage, content, users):
    """One row per record (session or visit), joined with the content's title and name and the username.

    `content` is GET /v1/content and `users` any iterable of user records; names are null for content the
    key cannot see (or deleted content) and for anonymous records.
    """
    items = dict((c.get("guid"), c) for c in content or [])
    names = dict((user["guid"], user.get("username")) for user in known_users(usage, users))
    rows = []
    for record in usage:
        item = items.get(record.get("content_guid")) or {}
        row = dict(content_guid=record.get("content_guid"), content_title=item.get("title"), content_name=item.get("name"),
                   user_guid=record.get("user_guid"), username=names.get(record.get("user_guid")))
        row.update((field, record.get(field)) for field in ("started", "ended", "time", "timestamp") if field in record)
        rows.append(row)
    return rows


def summarize_usage(usage, content, users):
    """Counts per content item and per user, joined with content titles and usernames.

    `content` is GET /v1/content, `users` any iterable of user records. Both
    lists are sorted by count (highest first), then by title or username.
    """
    titles = dict((c.get("guid"), c) for c in content or [])
    by_content, by_user = {}, {}
    for record in usage:
        cguid, uguid = record.get("content_guid"), record.get("user_guid")
        item = by_content.setdefault(cguid, {"count": 0, "users": set()})
        item["count"] += 1
        if uguid:
            item["users"].add(uguid)
        by_user[uguid] = by_user.get(uguid, 0) + 1
    names = dict((user["guid"], user.get("username")) for user in known_users(usage, users))
    content_rows = []
    for cguid, item in by_content.items():
        known = titles.get(cguid) or {}
        content_rows.append({
            "content_guid": cguid,
            "title": known.get("title"),
            "name": known.get("name"),
            "count": item["count"],
            "users": len(item["users"]),
        })
    user_rows = [{"user_guid": g, "username": names.get(g), "count": n} for g, n in by_user.items()]
    content_rows.sort(key=lambda r: (-r["count"], _label_key(r["title"] or r["name"]), r["content_guid"] or ""))
    user_rows.sort(key=lambda r: (-r["count"], _label_key(r["username"]), r["user_guid"] or ""))
    return {"by_content": content_rows, "by_user": user_rows}


def _label_key(label):
    """Sort named rows alphabetically (case-insensitive), unnamed ones after them."""
    return (label is None, (label or "").lower())


def content_hits(client, since, until, guids):
    """GET /v1/instrumentation/content/hits (one request, no paging) for the window. Several items are asked for in
    the same request (guids joined with "|") on Connect 2026.01 and later; before that (or with the version hidden),
    Connect ignores the filter, so the one unfiltered answer is filtered here (and always, to be sure)."""
    params = {}
    if since is not None:
        params["from"] = format_time(since)
    if until is not None:
        params["to"] = format_time(until)
    version = client.version()
    if guids and version is not None and version >= HITS_GUIDS_SINCE:
        params["content_guid"] = "|".join(guids)
    try:
        hits = client.get(USAGE_PATHS["hits"], params=params or None) or []
    except ConnectError as exc:
        if exc.status != 404:
            raise
        raise ConnectError("This Connect server has no content hits (GET /__api__/%s answers 404; Connect 2025.04 and "
                           "later have them); use type=visits." % USAGE_PATHS["hits"], method=exc.method,
                           path=exc.path, status=exc.status, code=exc.code)
    wanted = set(guids or [])
    return [hit for hit in hits if not wanted or hit.get("content_guid") in wanted]


def usage_info(client, params):
    """connect_usage_info: the records of the window, with the summary and the joined rows when asked."""
    since, until = parse_window(params["since"], params["until"])
    guids = [check_guid(guid, "content", "content", "Find it with posit.connect.connect_content_info.")
             for guid in params["content"] or []]
    if params["type"] == "hits":
        usage = content_hits(client, since, until, guids)
    elif len(guids) > 1:
        raise InputError("Option 'content': type=%s reads one content item at a time, got %d; use type=hits for "
                         "several, or one task per item." % (params["type"], len(guids)))
    else:
        usage = list(iter_usage(client, params["type"], usage_params(since, until, guids[0] if guids else None)))
    result = dict(changed=False, usage=usage, count=len(usage))
    if params["summarize"] or params["rows"]:
        content = client.get_list("v1/content", keys=USAGE_CONTENT_KEYS) if usage else []
        users = known_users(usage, client.paginate_offset("v1/users", pages_at_once=LISTING_PAGES_AT_ONCE))
        if params["summarize"]:
            result["summary"] = summarize_usage(usage, content, users)
        if params["rows"]:
            result["rows"] = usage_rows(usage, content, users)
    if params["summary_only"]:
        del result["usage"]
    return result
