"""Offset paging with prefetch (api/client.py paginate_offset): an export of every audit entry asks for the next page
while it writes the current one (issue 29: 1,000,000 entries are 2,000 pages in a row), with the very requests the
sequential walk sends; a walk that may stop early (a limit) asks for nothing ahead."""

import time

from ansible_collections.posit.connect.plugins.module_utils.api.client import ConnectClient
from ansible_collections.posit.connect.plugins.module_utils.concepts import audit
from ansible_collections.posit.connect.plugins.module_utils.concepts.audit import AuditQuery
from connect_standin import StandIn


def pages_asked(server):
    return [entry["query"].get("page_number") for entry in server.requests
            if entry["path"] == "/__api__/v1/search/auditlogs"]


def test_every_entry_asks_for_the_next_page_while_this_one_is_handled():
    with StandIn(seed="bench", seed_options=dict(content=1, audit=1200)) as server:
        client = ConnectClient(server.url, server.keys["admin"])
        entries = audit.iter_search(client, AuditQuery())
        first = next(entries)  # the caller holds page 1: page 2 is on its way
        deadline = time.monotonic() + 10
        while pages_asked(server) != ["1", "2"] and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pages_asked(server) == ["1", "2"]
        rest = list(entries)
        assert pages_asked(server) == ["1", "2", "3"]  # no page past the total
        assert len(rest) + 1 == len(server.state.audit_logs)
        assert [first] + rest == _newest_first(server)  # what the sequential walk reads, in its order


def test_a_limit_asks_for_no_page_ahead():
    with StandIn(seed="bench", seed_options=dict(content=1, audit=1200)) as server:
        client = ConnectClient(server.url, server.keys["admin"])
        assert len(list(audit.iter_search(client, AuditQuery(limit=700)))) == 700
        time.sleep(0.2)
        assert pages_asked(server) == ["1", "2"]


def _newest_first(server):
    client = ConnectClient(server.url, server.keys["admin"])
    return list(client.paginate_offset("v1/search/auditlogs", {"order": "desc"}))
