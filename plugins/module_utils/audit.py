# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Audit log and usage logic shared by connect_audit_info and connect_usage_info.

Knows nothing about Ansible: bad input raises ValueError with a message that
names the option, Connect failures are the client's ConnectError.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from datetime import datetime, timedelta, timezone

from ansible_collections.posit.connect.plugins.module_utils.client import MAX_PAGE_SIZE, ConnectError

SEARCH_PATH = "v1/search/auditlogs"
AUDIT_LOGS_PATH = "v1/audit_logs"
ACTIONS_PATH = "v1/audit/actions"
USAGE_PATHS = {
    "shiny": "v1/instrumentation/shiny/usage",
    "visits": "v1/instrumentation/content/visits",
}
# The field holding each usage record's time.
USAGE_TIME_FIELDS = {"shiny": "started", "visits": "time"}
# The fields Connect's search terms are matched against.
SEARCH_FIELDS = ("user_description", "action", "event_description")

RFC3339_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$")
RELATIVE_RE = re.compile(r"^-\s*(\d+)\s*([smhdw])$")
RELATIVE_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
TIME_EXAMPLES = "an RFC3339 time such as 2025-01-31T12:00:00Z or a relative time such as -7d, -12h or -30m"


# -- time ------------------------------------------------------------------

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
    """An option's time (RFC3339 or relative like -7d) -> aware UTC datetime; None stays None."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    match = RELATIVE_RE.match(text)
    if match:
        now = now or datetime.now(timezone.utc)
        return now - timedelta(**{RELATIVE_UNITS[match.group(2)]: int(match.group(1))})
    parsed = parse_rfc3339(text)
    if parsed is None:
        raise ValueError("Option '%s': %r is not a time; use %s." % (option, value, TIME_EXAMPLES))
    return parsed.astimezone(timezone.utc)


def parse_window(since, until, now=None):
    """Both bounds from the options (one 'now' for both); raise when since is after until."""
    now = now or datetime.now(timezone.utc)
    start = parse_time(since, "since", now)
    end = parse_time(until, "until", now)
    if start is not None and end is not None and start > end:
        raise ValueError("Options 'since' (%s) and 'until' (%s): since is after until; swap them."
                         % (since, until))
    return start, end


def format_time(moment):
    """Aware datetime -> RFC3339 in UTC, e.g. 2025-01-31T12:00:00Z (microseconds when set)."""
    moment = moment.astimezone(timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += ".%06d" % moment.microsecond
    return text + "Z"


def entry_time(entry, field="time"):
    """The parsed time of an audit or usage record, or None."""
    return parse_rfc3339(entry.get(field))


# -- audit log filters -------------------------------------------------------

def search_terms(search):
    """Free text -> list of terms (split on whitespace); reject what Connect would parse as a filter."""
    if search is None:
        return []
    terms = str(search).split()
    for term in terms:
        if term.startswith("-") or ":" in term or '"' in term or "," in term:
            raise ValueError(
                "Option 'search': term %r would be read by Connect as a filter or a negation; "
                "use plain words (filter with 'action', 'user', 'since' and 'until' instead)." % term)
    return terms


class AuditQuery:
    """One audit log query: the filters, the search 'q' built from them and the same filters client-side."""

    def __init__(self, actions=None, user_guid=None, since=None, until=None, terms=None,
                 order="desc", limit=None):
        self.actions = [a for a in (actions or []) if a]
        self.user_guid = user_guid
        self.since = since
        self.until = until
        self.terms = list(terms or [])
        self.order = order
        self.limit = limit
        self._actions_lower = set(a.lower() for a in self.actions)
        self._terms_lower = [t.lower() for t in self.terms]

    @property
    def filtered(self):
        return bool(self.actions or self.user_guid or self.since or self.until or self.terms)

    def search_q(self):
        """The 'q' of GET /v1/search/auditlogs (from:/to: are inclusive there)."""
        parts = []
        if self.actions:
            parts.append("action:" + ",".join(_filter_value(a) for a in self.actions))
        if self.user_guid:
            parts.append("user_guid:" + _filter_value(self.user_guid))
        if self.since is not None:
            parts.append("from:" + format_time(self.since))
        if self.until is not None:
            parts.append("to:" + format_time(self.until))
        parts.extend(self.terms)
        return " ".join(parts)

    def matches(self, entry):
        """The search endpoint's filters, applied to one entry of GET /v1/audit_logs."""
        if self._actions_lower and str(entry.get("action") or "").lower() not in self._actions_lower:
            return False
        if self.user_guid and str(entry.get("user_guid") or "").lower() != self.user_guid.lower():
            return False
        if self.since is not None or self.until is not None:
            moment = entry_time(entry)
            if moment is None:
                return False
            if self.since is not None and moment < self.since:
                return False
            if self.until is not None and moment > self.until:
                return False
        for term in self._terms_lower:
            if not any(term in str(entry.get(field) or "").lower() for field in SEARCH_FIELDS):
                return False
        return True

    def past_window(self, entry):
        """True once keyset paging in this order has left the time window for good."""
        moment = entry_time(entry)
        if moment is None:
            return False
        if self.order == "desc":
            return self.since is not None and moment < self.since
        return self.until is not None and moment > self.until


def _filter_value(value):
    value = str(value)
    if re.search(r'[\s,"]', value):
        return '"%s"' % value.replace('"', '\\"')
    return value


def _page_size(limit, exact):
    """Ask for no more than needed when every entry of a page counts towards the limit."""
    if limit and exact:
        return min(limit, MAX_PAGE_SIZE)
    return MAX_PAGE_SIZE


def iter_search(client, query):
    """Entries from GET /v1/search/auditlogs (server-side filters, offset paging)."""
    params = {"order": query.order}
    q = query.search_q()
    if q:
        params["q"] = q
    pages = client.paginate_offset(SEARCH_PATH, params, page_size=_page_size(query.limit, True))
    return _take(pages, query.limit)


def iter_audit_logs(client, query):
    """Entries from GET /v1/audit_logs (keyset paging), filtered here like the search endpoint does.

    Stops paging once the entries have left the time window in the paging
    order, and once `limit` entries matched.
    """
    if query.order == "asc" and query.since is not None and query.until is None:
        # Oldest first from `since`: page newest first until past `since` (the pages before it are never
        # fetched), then reverse. Holds the entries of the window in memory.
        newest_first = AuditQuery(query.actions, query.user_guid, query.since, None, query.terms, "desc")
        return _take(reversed(list(iter_audit_logs(client, newest_first))), query.limit)

    def matching():
        params = {"ascOrder": "true" if query.order == "asc" else "false"}
        pages = client.paginate_keyset(AUDIT_LOGS_PATH, params,
                                       limit=_page_size(query.limit, not query.filtered))
        for entry in pages:
            if query.past_window(entry):
                return
            if query.matches(entry):
                yield entry

    return _take(matching(), query.limit)


def _take(entries, limit):
    count = 0
    for entry in entries:
        yield entry
        count += 1
        if limit and count >= limit:
            return


def iter_audit(client, query):
    """(source, entries): the search endpoint where the server has it, else the audit_logs fallback."""
    if client.has_search_audit_logs():
        return "search", iter_search(client, query)
    return "audit_logs", iter_audit_logs(client, query)


def explain_forbidden(exc, what, needed="an administrator's API key"):
    """A clearer ConnectError for HTTP 403: say which key the endpoint needs."""
    if isinstance(exc, ConnectError) and exc.status == 403:
        return ConnectError(
            "%s requires %s; the API key's user may not do this. (%s)" % (what, needed, exc.message),
            method=exc.method, path=exc.path, status=exc.status, code=exc.code, payload=exc.payload)
    return exc


# -- JSON Lines ----------------------------------------------------------------

def check_dest(dest, option="dest"):
    """Raise ValueError unless dest's directory exists and is writable and dest is not a directory."""
    directory = os.path.dirname(os.path.abspath(dest))
    if os.path.isdir(dest):
        raise ValueError("Option '%s': %s is a directory; give a file path such as %s."
                         % (option, dest, os.path.join(dest, "audit.jsonl")))
    if not os.path.isdir(directory):
        raise ValueError("Option '%s': directory %s does not exist; create it first." % (option, directory))
    if not os.access(directory, os.W_OK):
        raise ValueError("Option '%s': directory %s is not writable." % (option, directory))


def file_sha1(path):
    """SHA-1 of a file's content, or None when it does not exist."""
    if not os.path.isfile(path):
        return None
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def json_line(entry):
    return (json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


class JsonLinesWriter:
    """Streams entries as JSON Lines into a temporary file beside dest (or only hashes them).

    Memory stays flat: each entry is encoded, hashed and written, then dropped.
    `commit(replace)` moves the file over dest only when its content differs.
    """

    def __init__(self, dest, write=True):
        self.dest = os.path.abspath(dest)
        self.count = 0
        self._digest = hashlib.sha1()
        self._handle = None
        self.tmp_path = None
        if write:
            fd, self.tmp_path = tempfile.mkstemp(prefix=".%s." % os.path.basename(self.dest),
                                                 suffix=".tmp", dir=os.path.dirname(self.dest))
            self._handle = os.fdopen(fd, "wb")

    def write_all(self, entries):
        for entry in entries:
            line = json_line(entry)
            self._digest.update(line)
            if self._handle is not None:
                self._handle.write(line)
            self.count += 1
        return self.count

    @property
    def checksum(self):
        return self._digest.hexdigest()

    def changed(self):
        return file_sha1(self.dest) != self.checksum

    def close(self):
        """Close the temporary file; returns its size in bytes."""
        self._handle.close()
        self._handle = None
        return os.path.getsize(self.tmp_path)

    def commit(self, replace=os.replace):
        """Close; move onto dest if the content differs. Returns whether dest changed."""
        changed = self.changed()
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            if changed:
                replace(self.tmp_path, self.dest)
                self.tmp_path = None
        self.discard()
        return changed

    def discard(self):
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self.tmp_path and os.path.exists(self.tmp_path):
            os.unlink(self.tmp_path)
        self.tmp_path = None


# -- incremental export ------------------------------------------------------------

CHECKPOINT_VERSION = 1


class IncrementalExport:
    """Appends to a JSON Lines file only the audit entries newer than the last run's, with no gaps or duplicates.

    The checkpoint file (JSON) records the filters, the size of dest after the last run, the time of the
    newest exported entry and the ids of the entries at that time. The next run asks for entries at or after
    that time (Connect's filters are inclusive), drops the ids already exported, writes the rest to a temporary
    file, appends it to dest (first cutting dest back to the recorded size, so the tail of a run that died
    before updating its checkpoint is not duplicated), then replaces the checkpoint atomically. Runs on the
    same checkpoint are serialized with a lock file beside it.
    """

    def __init__(self, dest, checkpoint, filters, check_mode=False):
        self.check_mode = check_mode  # reads only: no lock file either
        self.dest = os.path.abspath(dest)
        self.checkpoint = os.path.abspath(checkpoint)
        self.filters = filters
        self._lock = None
        self.state = None
        self.last_time, self.last_ids = None, set()  # the newest exported entry's time, and the ids at that time

    def __enter__(self):
        if not self.check_mode:
            self._lock = open(self.checkpoint + ".lock", "a")
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        self.state = self._read()
        return self

    def __exit__(self, *exc):
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def _read(self):
        if not os.path.exists(self.checkpoint):
            return None
        try:
            with open(self.checkpoint) as handle:
                state = json.load(handle)
            if state.get("version") != CHECKPOINT_VERSION or not isinstance(state.get("size"), int):
                raise ValueError("unknown format")
        except ValueError as exc:
            raise ValueError("Option 'checkpoint': %s is not a checkpoint of this module (%s). Delete it to "
                             "export everything again into a new 'dest'." % (self.checkpoint, exc))
        if state.get("filters") != self.filters:
            raise ValueError("Option 'checkpoint': %s was written for other filters (%s); these are %s. Use "
                             "another checkpoint and dest for these filters, or delete it to start again."
                             % (self.checkpoint, json.dumps(state.get("filters"), sort_keys=True),
                                json.dumps(self.filters, sort_keys=True)))
        size = os.path.getsize(self.dest) if os.path.exists(self.dest) else None
        if size is not None and size < state["size"]:
            raise ValueError("Option 'dest': %s holds %s bytes, fewer than the %s the checkpoint %s recorded: it "
                             "was truncated or replaced. Move it aside (a new file is then started with the new "
                             "entries only), or delete the checkpoint to export everything again."
                             % (self.dest, size, state["size"], self.checkpoint))
        return state

    def since(self, since):
        """The query's `since`: the newest exported time, unless the option's `since` is later."""
        last = parse_rfc3339(self.state["last_time"]) if self.state and self.state.get("last_time") else None
        if last is not None and (since is None or last > since):
            return last
        return since

    def run(self, entries):
        """Write the new entries (count them in check mode); returns the module result fields."""
        state = self.state or {}
        self.last_time, self.last_ids = state.get("last_time"), set(state.get("last_ids") or [])
        writer = JsonLinesWriter(self.dest, write=not self.check_mode)
        try:
            writer.write_all(self._new(entries))
            result = dict(changed=writer.count > 0 or self.state is None, count=writer.count, dest=self.dest,
                          checkpoint=self.checkpoint, last_time=self.last_time,
                          total=state.get("count", 0) + writer.count)
            if self.check_mode:
                return result
            appended = writer.close()
            if self.state is None or not os.path.exists(self.dest):
                os.replace(writer.tmp_path, self.dest)  # the first export, or a new file after dest was moved
                size = appended
            else:
                with open(self.dest, "r+b") as out, open(writer.tmp_path, "rb") as new:
                    out.truncate(self.state["size"])  # drop what a run that died before its checkpoint appended
                    out.seek(0, os.SEEK_END)
                    shutil.copyfileobj(new, out, 1024 * 1024)
                    out.flush()
                    os.fsync(out.fileno())
                size = self.state["size"] + appended
            self._write(dict(version=CHECKPOINT_VERSION, filters=self.filters, dest=self.dest, size=size,
                             count=result["total"], last_time=self.last_time, last_ids=sorted(self.last_ids)))
            return result
        finally:
            writer.discard()

    def _new(self, entries):
        """The entries (oldest first) not exported yet; tracks the newest time and the ids at that time."""
        last = parse_rfc3339(self.last_time) if self.last_time else None
        for entry in entries:
            moment, ident = entry_time(entry), str(entry.get("id"))
            if moment is not None and last is not None and moment <= last:
                if moment < last or ident in self.last_ids:
                    continue  # exported by an earlier run
                self.last_ids.add(ident)
            elif moment is not None:
                last, self.last_time, self.last_ids = moment, entry.get("time"), set([ident])
            yield entry

    def _write(self, state):
        fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(self.checkpoint), suffix=".tmp",
                                   dir=os.path.dirname(self.checkpoint))
        with os.fdopen(fd, "w") as handle:
            json.dump(state, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.checkpoint)


# -- usage ---------------------------------------------------------------------

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
    wanted = set(g for g in by_user if g)
    names = {}
    if wanted:
        for user in users:
            if user.get("guid") in wanted:
                names[user["guid"]] = user.get("username")
                if len(names) == len(wanted):
                    break
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
