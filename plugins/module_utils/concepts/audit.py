# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit log query: filters, the search endpoint and the audit_logs fallback.

Knows nothing about Ansible: bad input raises InputError naming the option; Connect failures are ConnectError."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re

from ansible_collections.posit.connect.plugins.module_utils.api.client import MAX_PAGE_SIZE
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import require_user
from ansible_collections.posit.connect.plugins.module_utils.concepts.server import SEARCH_PATH, has_search
from ansible_collections.posit.connect.plugins.module_utils.files.export import IncrementalExport, check_dest, export_json_lines
from ansible_collections.posit.connect.plugins.module_utils.files.timeutil import entry_time, format_time, parse_window

AUDIT_LOGS_PATH = "v1/audit_logs"
ACTIONS_PATH = "v1/audit/actions"
# The fields Connect's search terms are matched against.
SEARCH_FIELDS = ("user_description", "action", "event_description")


def search_terms(search):
    """Free text -> list of terms (split on whitespace); reject what Connect would parse as a filter."""
    if search is None:
        return []
    terms = str(search).split()
    for term in terms:
        if term.startswith("-") or ":" in term or '"' in term or "," in term:
            raise InputError(
                "Option 'search': term %r would be read by Connect as a filter or a negation; "
                "use plain words (filter with 'action', 'user', 'since' and 'until' instead)." % term)
    return terms


class AuditQuery:
    """One audit log query: the filters, the search 'q' built from them and the same filters client-side."""

    def __init__(self, actions=None, user_guid=None, since=None, until=None, terms=None,
                 order="desc", limit=None, entry_id=None):
        self.actions = [a for a in (actions or []) if a]
        # Connect has no way to read one entry by id: the query pages (within the other filters) until the entry
        # with this id is found, and stops there.
        self.entry_id = None if entry_id is None else str(entry_id)
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
        return bool(self.actions or self.user_guid or self.since or self.until or self.terms
                    or self.entry_id is not None)

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
        """The search endpoint's filters (and the entry id), applied to one entry of GET /v1/audit_logs."""
        if not self.is_entry(entry):
            return False
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

    def is_entry(self, entry):
        """Whether the entry is the one asked for by id (any entry when no id was asked for)."""
        return self.entry_id is None or str(entry.get("id")) == self.entry_id

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
    # Without a limit every page is read: the next one is fetched while this one is written (1,000,000 entries to
    # `dest` are 2,000 pages in a row, each costing the module a few milliseconds of CPU beside its round trip).
    pages = client.paginate_offset(SEARCH_PATH, params, page_size=_page_size(query.limit, query.entry_id is None),
                                   prefetch=not query.limit)
    return _take((entry for entry in pages if query.is_entry(entry)), query.limit)


def iter_audit_logs(client, query):
    """Entries from GET /v1/audit_logs (keyset paging), filtered here like the search endpoint does.

    Stops paging once the entries have left the time window in the paging
    order, and once `limit` entries matched.
    """
    if query.order == "asc" and query.since is not None and query.until is None:
        # Oldest first from `since`: page newest first until past `since` (the pages before it are never
        # fetched), then reverse. Holds the entries of the window in memory.
        newest_first = AuditQuery(query.actions, query.user_guid, query.since, None, query.terms, "desc",
                                  entry_id=query.entry_id)
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
    if has_search(client):
        return "search", iter_search(client, query)
    return "audit_logs", iter_audit_logs(client, query)


def check_actions(client, actions, option="action", listing="list_actions: true"):
    """Raise InputError for an action the server does not know, naming the closest known ones and how to list them
    (`listing`).

    Servers without GET /v1/audit/actions are not checked."""
    if not actions:
        return
    known = client.get_or_none(ACTIONS_PATH)
    if not known:
        return
    names = sorted(set(str(item.get("action")) for item in known if item.get("action")))
    lower = set(name.lower() for name in names)
    unknown = [action for action in actions if action.lower() not in lower]
    if not unknown:
        return
    hints = []
    for action in unknown:
        close = difflib.get_close_matches(action.lower(), names, n=3, cutoff=0.6)
        hints.append("%r (did you mean %s?)" % (action, " or ".join(close)) if close else repr(action))
    raise InputError("Option '%s': this server has no audit action %s; list its %d actions with %s."
                     % (option, ", ".join(hints), len(names), listing))


# The options of connect_audit_info that filter or shape a query.
FILTERS = ("action", "user", "since", "until", "search", "limit", "dest", "id")


def query_from_params(client, p):
    """connect_audit_info's options as an AuditQuery (None for list_actions): checked, then the user looked up."""
    if p["list_actions"]:
        given = [name for name in FILTERS if p[name] not in (None, [])]
        if given:
            raise InputError("Option 'list_actions' returns the server's actions and takes no filters; "
                             "remove %s or set list_actions to false." % ", ".join(repr(g) for g in given))
        return None
    if p["limit"] is not None and p["limit"] < 1:
        raise InputError("Option 'limit' must be 1 or more, got %s; omit it for all entries." % p["limit"])
    entry_id = p.get("id")
    if entry_id is not None and not str(entry_id).strip():
        raise InputError("Option 'id' is empty; give the audit entry's id (its `id` field) or omit the option.")
    since, until = parse_window(p["since"], p["until"])
    terms = search_terms(p["search"])
    user_guid = require_user(client, p["user"], "user")["guid"] if p["user"] else None
    check_actions(client, p["action"])
    return AuditQuery(actions=p["action"], user_guid=user_guid, since=since, until=until,
                      terms=terms, order=p["order"], limit=1 if entry_id is not None else p["limit"],
                      entry_id=None if entry_id is None else str(entry_id).strip())


def export_audit(client, query, p, check_mode=False):
    """connect_audit_info with `dest`: every matching entry into dest, or with `checkpoint` only the new ones."""
    check_dest(p["dest"])
    if p["checkpoint"]:
        check_dest(p["checkpoint"], "checkpoint")
        filters = dict(action=sorted(query.actions), user=query.user_guid, search=p["search"], since=p["since"],
                       until=p["until"])
        with IncrementalExport(p["dest"], p["checkpoint"], filters, check_mode=check_mode) as export:
            query.since = export.since(query.since)
            query.order = "asc"
            source, entries = iter_audit(client, query)
            return dict(export.run(entries), source=source)
    source, entries = iter_audit(client, query)
    return dict(export_json_lines(p["dest"], entries, check_mode), source=source)
