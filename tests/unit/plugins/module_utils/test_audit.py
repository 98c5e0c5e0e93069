"""module_utils/concepts/audit.py: the search query, the client-side filter, and both paths (search and the audit_logs
fallback) against the stand-in."""

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.posit.connect.plugins.module_utils.concepts import audit
from ansible_collections.posit.connect.plugins.module_utils.concepts.audit import AuditQuery, search_terms
from ansible_collections.posit.connect.plugins.module_utils.api.client import ConnectClient
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.files.timeutil import format_time, parse_time
from connect_standin import StandIn

NOW = datetime(2025, 3, 10, 12, 0, 0, tzinfo=timezone.utc)


# -- search query ----------------------------------------------------------------

def test_search_query_has_every_filter():
    query = AuditQuery(actions=["deploy_application", "add_user"], user_guid="1b5a8d0e-0f73-4c4b-9d0c-7c3f1c2e4d5a",
                       since=datetime(2025, 1, 1, tzinfo=timezone.utc),
                       until=datetime(2025, 1, 31, 23, 59, 59, tzinfo=timezone.utc),
                       terms=["sales", "Dashboard"])
    assert query.search_q() == (
        "action:deploy_application,add_user user_guid:1b5a8d0e-0f73-4c4b-9d0c-7c3f1c2e4d5a "
        "from:2025-01-01T00:00:00Z to:2025-01-31T23:59:59Z sales Dashboard")
    assert query.filtered


def test_search_query_empty_without_filters_and_quotes_odd_values():
    assert AuditQuery().search_q() == ""
    assert not AuditQuery(order="asc", limit=5).filtered
    assert AuditQuery(actions=["odd action", "a,b"]).search_q() == 'action:"odd action","a,b"'


def test_search_terms_split_on_whitespace_and_reject_filter_syntax():
    assert search_terms(None) == []
    assert search_terms("  sales   dashboard ") == ["sales", "dashboard"]
    for bad in ("-sales", "action:add_user", 'say "hi"', "a,b"):
        with pytest.raises(ValueError, match="Option 'search'"):
            search_terms(bad)


# -- client-side filter ------------------------------------------------------------

ENTRY = {
    "id": "7", "time": "2025-01-15T10:00:00Z", "user_id": "3",
    "user_guid": "1B5A8D0E-0F73-4C4B-9D0C-7C3F1C2E4D5A",
    "user_description": "Alice Smith (alice)", "action": "deploy_application",
    "event_description": "Deployed bundle 12 for Sales Dashboard",
}


@pytest.mark.parametrize("kwargs,matches", [
    ({}, True),
    ({"actions": ["DEPLOY_APPLICATION"]}, True),
    ({"actions": ["add_user", "deploy_application"]}, True),
    ({"actions": ["add_user"]}, False),
    ({"user_guid": "1b5a8d0e-0f73-4c4b-9d0c-7c3f1c2e4d5a"}, True),
    ({"user_guid": "00000000-0000-0000-0000-000000000000"}, False),
    # inclusive bounds, compared as instants whatever the offset
    ({"since": datetime(2025, 1, 15, 10, tzinfo=timezone.utc)}, True),
    ({"until": datetime(2025, 1, 15, 10, tzinfo=timezone.utc)}, True),
    ({"since": datetime(2025, 1, 15, 5, 0, 0, 1, tzinfo=timezone(-timedelta(hours=5)))}, False),
    ({"until": datetime(2025, 1, 15, 9, 59, 59, 999999, tzinfo=timezone.utc)}, False),
    # every term, case-insensitive, each in any of the three fields
    ({"terms": ["sales", "ALICE", "deploy"]}, True),
    ({"terms": ["sales", "bob"]}, False),
    ({"terms": ["bundle 12"]}, True),
])
def test_client_side_filter(kwargs, matches):
    assert AuditQuery(**kwargs).matches(ENTRY) is matches


def test_client_side_filter_drops_entries_without_user_or_time_when_filtering_on_them():
    system = dict(ENTRY, user_guid=None)
    assert AuditQuery().matches(system)
    assert not AuditQuery(user_guid="1b5a8d0e-0f73-4c4b-9d0c-7c3f1c2e4d5a").matches(system)
    assert not AuditQuery(since=NOW).matches(dict(ENTRY, time=None))


def test_past_window_depends_on_order():
    since = datetime(2025, 1, 15, 10, tzinfo=timezone.utc)
    older = dict(ENTRY, time="2025-01-15T09:59:59Z")
    newer = dict(ENTRY, time="2025-01-15T10:00:01Z")
    assert AuditQuery(since=since, order="desc").past_window(older)
    assert not AuditQuery(since=since, order="desc").past_window(ENTRY)
    assert not AuditQuery(since=since, order="asc").past_window(older)
    assert AuditQuery(until=since, order="asc").past_window(newer)
    assert not AuditQuery(until=since, order="asc").past_window(ENTRY)
    assert not AuditQuery(until=since, order="desc").past_window(newer)


def test_take_stops_pulling_once_the_limit_is_reached():
    pulled = []

    def source():
        for i in range(10):
            pulled.append(i)
            yield i

    assert list(audit._take(source(), 3)) == [0, 1, 2]
    assert pulled == [0, 1, 2]
    assert list(audit._take(iter(range(4)), None)) == [0, 1, 2, 3]


# -- both paths against the stand-in ----------------------------------------------------

OLD_VERSION = "2024.06.0"  # before GET /v1/search/auditlogs


@pytest.fixture(scope="module")
def servers():
    """The demo organisation on a new and an old Connect version, with the same clock."""
    new = StandIn().start()
    old = StandIn(version=OLD_VERSION, seed_options={"now": new.state.now}).start()
    yield new, old
    new.stop()
    old.stop()


def client_for(server):
    """A client that has read the settings and probed for the search endpoint, as a module run does first."""
    client = ConnectClient(server.url, server.keys["admin"])
    client.server_settings()
    audit.has_search(client)
    server.clear_log()
    return client


def api_requests(server, path):
    return [r for r in server.requests if r["path"] == "/__api__/" + path]


def expected(state, query):
    """The demo state's entries a query should return, by an independent reading of the filters."""
    def keep(e):
        text = " ".join((e["user_description"], e["action"], e["event_description"])).lower()
        return ((not query.actions or e["action"] in [a.lower() for a in query.actions])
                and (not query.user_guid or e["user_guid"] == query.user_guid)
                and (query.since is None or e["time"] >= query.since.timestamp())
                and (query.until is None or e["time"] <= query.until.timestamp())
                and all(t.lower() in text for t in query.terms))
    found = [str(e["id"]) for e in state.audit_logs if keep(e)]
    if query.order == "desc":
        found.reverse()
    return found[:query.limit] if query.limit else found


def queries(state):
    by_name = {u["username"]: u for u in state.users.values()}
    times = sorted(e["time"] for e in state.audit_logs)
    at = [datetime.fromtimestamp(times[i], timezone.utc) for i in (700, 1500, 2200)]
    return {
        "all": AuditQuery(),
        "deployments": AuditQuery(actions=["deploy_application"]),
        "two actions, any case": AuditQuery(actions=["ADD_USER", "lock_user"], order="asc"),
        "user": AuditQuery(user_guid=by_name["svc-deploy"]["guid"]),
        "window, bounds on entries": AuditQuery(since=at[0], until=at[1]),
        "window asc": AuditQuery(since=at[1], until=at[2], order="asc"),
        "since only": AuditQuery(since=parse_time("-7d", "since")),
        "until only asc": AuditQuery(until=at[0], order="asc"),
        "terms": AuditQuery(terms=["SALES", "dashboard"]),
        "everything": AuditQuery(actions=["deploy_application", "edit_application"], user_guid=by_name["dave"]["guid"],
                                 since=at[0], until=at[2], terms=["sales"], order="asc"),
        "limit": AuditQuery(limit=7),
        "limit with filter": AuditQuery(actions=["user_login"], limit=250, order="asc"),
        "nothing matches": AuditQuery(terms=["no-such-text-anywhere"]),
    }


def test_search_and_fallback_return_the_same_entries(servers):
    new, old = servers
    new_client, old_client = client_for(new), client_for(old)
    for name, query in queries(new.state).items():
        source, entries = audit.iter_audit(new_client, query)
        assert source == "search"
        from_search = list(entries)
        source, entries = audit.iter_audit(old_client, query)
        assert source == "audit_logs"
        from_fallback = list(entries)
        assert from_search == from_fallback, name
        assert from_search or name == "nothing matches", name
        assert [e["id"] for e in from_search] == expected(new.state, query), name
    assert api_requests(old, "v1/search/auditlogs") == []


def test_time_bounds_are_inclusive_on_both_paths(servers):
    new, old = servers
    entry = new.state.audit_logs[1234]
    moment = datetime.fromtimestamp(entry["time"], timezone.utc)
    query = AuditQuery(since=moment, until=moment)
    for server in servers:
        found = list(audit.iter_audit(client_for(server), query)[1])
        assert str(entry["id"]) in [e["id"] for e in found]
        assert all(e["time"] == format_time(moment) for e in found)


def test_fallback_desc_with_since_stops_at_the_window(servers):
    _new, old = servers
    client = client_for(old)
    since = parse_time("-7d", "since")
    found = list(audit.iter_audit(client, AuditQuery(since=since))[1])
    in_window = sum(1 for e in old.state.audit_logs if e["time"] >= since.timestamp())
    assert len(found) == in_window < 500
    assert len(api_requests(old, "v1/audit_logs")) == 1  # of 6 pages

    old.clear_log()
    list(audit.iter_audit(client, AuditQuery())[1])
    assert len(api_requests(old, "v1/audit_logs")) == 6  # 3,000 entries


def test_fallback_asc_with_until_stops_past_the_window(servers):
    _new, old = servers
    client = client_for(old)
    until = datetime.fromtimestamp(old.state.audit_logs[700]["time"], timezone.utc)
    found = list(audit.iter_audit(client, AuditQuery(until=until, order="asc"))[1])
    assert len(found) >= 701
    assert len(api_requests(old, "v1/audit_logs")) == 2  # entries 1..1000 cover the window


def test_limit_fetches_no_extra_page(servers):
    new, old = servers
    for server, path, key in ((new, "v1/search/auditlogs", "page_size"), (old, "v1/audit_logs", "limit")):
        client = client_for(server)
        assert len(list(audit.iter_audit(client, AuditQuery(limit=7))[1])) == 7
        calls = api_requests(server, path)
        assert len(calls) == 1 and calls[0]["query"][key] == "7"

        server.clear_log()
        assert len(list(audit.iter_audit(client, AuditQuery(limit=500))[1])) == 500
        assert len(api_requests(server, path)) == 1

        server.clear_log()
        assert len(list(audit.iter_audit(client, AuditQuery(limit=501))[1])) == 501
        assert len(api_requests(server, path)) == 2

    # With a client-side filter, the fallback reads pages of 500 up to the page holding the last match.
    client = client_for(old)
    query = AuditQuery(actions=["user_login"], limit=250, order="asc")
    found = list(audit.iter_audit(client, query)[1])
    position = [str(e["id"]) for e in old.state.audit_logs].index(found[-1]["id"])
    assert len(api_requests(old, "v1/audit_logs")) == position // 500 + 1


def test_search_sends_the_query_and_order(servers):
    new, _old = servers
    client = client_for(new)
    guid = new.state.user_by_username("alice")["guid"]
    list(audit.iter_audit(client, AuditQuery(actions=["add_user"], user_guid=guid, terms=["x"], order="asc"))[1])
    (call,) = api_requests(new, "v1/search/auditlogs")
    assert call["query"]["q"] == "action:add_user user_guid:%s x" % guid
    assert call["query"]["order"] == "asc"


def test_an_old_version_that_serves_search_gets_the_search_path():
    """The version is only a hint: a 2024.10 server with the search endpoint is probed once and searched."""
    server = StandIn(version="2024.10.0", search_since=(2024, 1, 0)).start()
    try:
        client = ConnectClient(server.url, server.keys["admin"])
        for query in (AuditQuery(actions=["deploy_application"]), AuditQuery(limit=3)):
            source, entries = audit.iter_audit(client, query)
            assert source == "search" and list(entries)
        probes = [r for r in api_requests(server, "v1/search/auditlogs") if r["query"] == {"page_size": "1"}]
        assert len(probes) == 1 and probes[0]["status"] == 200
        assert api_requests(server, "v1/audit_logs") == []
    finally:
        server.stop()


def test_a_server_without_search_is_probed_once_per_client(servers):
    _new, old = servers
    client = ConnectClient(old.url, old.keys["admin"])
    old.clear_log()
    for _attempt in range(3):
        assert audit.iter_audit(client, AuditQuery(limit=1))[0] == "audit_logs"
    assert len(api_requests(old, "v1/search/auditlogs")) == 1


def test_unknown_actions_fail_naming_the_closest_known_ones(servers):
    new, _old = servers
    client = client_for(new)
    audit.check_actions(client, ["deploy_application", "ADD_USER"])
    audit.check_actions(client, [])
    with pytest.raises(InputError) as err:
        audit.check_actions(client, ["deploy_applications", "add_application_permision", "zzz"])
    message = str(err.value)
    assert message.startswith("Option 'action': this server has no audit action")
    assert "'deploy_applications' (did you mean deploy_application or " in message
    assert "'add_application_permision' (did you mean add_application_permission" in message
    assert "'zzz'" in message and "list_actions: true" in message
    assert [r["path"] for r in new.requests] == ["/__api__/v1/audit/actions"] * 2


def test_actions_are_not_checked_where_the_server_cannot_list_them(servers, monkeypatch):
    new, _old = servers
    client = client_for(new)
    monkeypatch.setattr(audit, "ACTIONS_PATH", "v1/audit/no-such-list")
    assert audit.check_actions(client, ["anything"]) is None  # no InputError: the action is not judged
    # it asked for the list once, got Connect's 404, and read nothing else
    assert [(r["method"], r["path"], r["status"]) for r in new.requests] == [
        ("GET", "/__api__/v1/audit/no-such-list", 404)]


def test_one_entry_by_id_on_both_paths_stops_once_found(servers):
    """Connect cannot read one audit entry by id: the query reads (from the entry's time, oldest first) until the
    entry is found, on both paths, and returns only it; an id that is not there returns nothing."""
    new, old = servers
    entry = new.state.audit_logs[2000]
    moment = datetime.fromtimestamp(entry["time"], timezone.utc)
    for server in servers:
        client = client_for(server)
        for query in (AuditQuery(entry_id=entry["id"], since=moment, order="asc", limit=1),
                      AuditQuery(entry_id=str(entry["id"]), limit=1)):
            found = list(audit.iter_audit(client, query)[1])
            assert [e["id"] for e in found] == [str(entry["id"])]
        assert list(audit.iter_audit(client, AuditQuery(entry_id="999999999", since=moment, limit=1))[1]) == []
    # Paging from the entry's time on: the search path reads one page of 500 from there, not the whole log.
    new.clear_log()
    list(audit.iter_audit(client_for(new), AuditQuery(entry_id=entry["id"], since=moment, order="asc", limit=1))[1])
    (call,) = api_requests(new, "v1/search/auditlogs")
    assert call["query"]["q"] == "from:" + format_time(moment)


def test_the_module_reads_one_entry_by_id():
    params = dict(list_actions=False, action=None, user=None, since="2025-01-31T12:00:00Z", until=None, search=None,
                  order="asc", limit=None, dest=None, id=" 42 ")
    query = audit.query_from_params(None, params)
    assert (query.entry_id, query.limit) == ("42", 1)
    with pytest.raises(InputError, match="Option 'id' is empty"):
        audit.query_from_params(None, dict(params, id=" "))
    with pytest.raises(InputError, match="Option 'list_actions' .* remove .*'id'"):
        audit.query_from_params(None, dict(params, since=None, order="desc", list_actions=True))
