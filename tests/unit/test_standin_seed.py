"""The stand-in's seeds (seed.py): deterministic, the demo organisation's shape, the bench seed's size and speed,
and the helpers tests use to add to a running server."""

import time

import pytest

from connect_standin import StandIn
from standin_helpers import Client, user


def test_seeds_are_deterministic():
    a, b = StandIn(seed_options={"now": 1_750_000_000}), StandIn(seed_options={"now": 1_750_000_000})
    assert a.state.audit_logs == b.state.audit_logs and a.state.content == b.state.content
    assert a.state.visits == b.state.visits and a.keys == b.keys
    assert StandIn(seed="bench", seed_options={"content": 3}).keys == a.keys  # keys depend on the username only
    with pytest.raises(ValueError):
        StandIn(seed="nope")
    with pytest.raises(ValueError):
        StandIn(seed="bench", seed_options={"contents": 3})


def test_demo_seed_shape(demo):
    state = demo.state
    roles = {u["username"]: u["user_role"] for u in state.users.values()}
    assert roles["admin"] == "administrator" and roles["dave"] == "publisher" and roles["victor"] == "viewer"
    owned = sum(c["owner_guid"] == user(demo, "dave")["guid"] for c in state.content.values())
    assert owned == 15
    assert len({c["app_mode"] for c in state.content.values()}) >= 12
    assert {c["access_type"] for c in state.content.values()} == {"all", "logged_in", "acl"}
    for item in state.content.values():
        assert item["created_time"] <= item["last_deployed_time"] <= state.now
    assert state.audit_logs[0]["time"] >= state.now - 90 * 86400 and state.audit_logs[-1]["time"] <= state.now
    assert len({e["action"] for e in state.audit_logs}) >= 10


def test_bench_seed_is_fast_and_exact():
    started = time.monotonic()
    server = StandIn(seed="bench", seed_options={"content": 10000, "audit": 200000, "usage": 1000, "owner": "carol"})
    assert time.monotonic() - started < 5  # about 1 s; quadratic work would take minutes
    state = server.state
    carol = user(server, "carol")["guid"]
    assert len(state.content) == 10000 and all(c["owner_guid"] == carol for c in state.content.values())
    assert len(state.audit_logs) == 200000 and len(state.shiny_usage) == len(state.visits) == 1000
    assert sum(e["action"] == "remove_application" for e in state.audit_logs) == 50
    with server:
        client = Client(server)
        found = client.ok("GET", "/__api__/v1/search/auditlogs", params={"q": "action:remove_application", "page_size": 100})
        assert found["total"] == 50
        assert len(client.ok("GET", "/__api__/v1/content", params={"owner_guid": carol})) == 10000


def test_test_helpers(fresh):
    fresh.add_user("zoe", "publisher", first_name="Zoe", last_name="Zimmer")
    item = fresh.add_content("zoe-app", owner="zoe", title="Zoe's App", app_mode="shiny")
    assert Client(fresh, "zoe").ok("GET", f"/__api__/v1/content/{item['guid']}")["app_role"] == "owner"
    fresh.reset(seed="bench", seed_options={"content": 2, "audit": 0, "usage": 0})
    assert len(Client(fresh).ok("GET", "/__api__/v1/content")) == 2 and fresh.requests[-1]["method"] == "GET"


def test_bench_users_option():
    server = StandIn(seed="bench", seed_options={"users": 1203, "content": 1, "audit": 0, "usage": 0})
    users = server.state.users.values()
    assert len(users) == 1203 and sum(u["user_role"] == "publisher" for u in users) > 100
    assert server.state.user_by_username("user01203")["last_name"] == "Bench"


def test_bench_groups_option():
    # a fixed `now`: two seeds built across a second's boundary would otherwise differ in every time
    options = {"users": 60, "groups": 2085, "content": 1, "audit": 0, "usage": 0, "now": 1_788_000_000}
    server = StandIn(seed="bench", seed_options=options)
    state = server.state
    extra = [g for g in state.groups.values() if g["name"] not in ("Data Science", "Finance", "Platform Team", "Leadership")]
    assert len(extra) == 2085 and len({g["name"] for g in state.groups.values()}) == 2089  # names are unique
    assert extra[0]["name"] == "EMEA Finance Analysts" and extra[-1]["name"] == "EMEA Finance Viewers 2"
    admin = user(server, "admin")["guid"]
    assert all(set(g) == {"guid", "name", "owner_guid"} and g["owner_guid"] == admin for g in extra)
    sizes = [len(state.members[g["guid"]]) for g in extra]
    assert sizes[:3] == [1, 2, 3] and max(sizes) == 40
    assert all(len(set(state.members[g["guid"]])) == len(state.members[g["guid"]]) for g in extra)
    assert {m for g in extra for m in state.members[g["guid"]]} <= set(state.users)
    assert StandIn(seed="bench", seed_options=options).state.members == state.members  # deterministic
    # the option draws from a Random of its own: the rest of the seed is as without it
    plain = StandIn(seed="bench", seed_options=dict(options, groups=0, audit=300)).state
    assert plain.audit_logs == StandIn(seed="bench", seed_options=dict(options, audit=300)).state.audit_logs
    with server:
        listed = Client(server).ok("GET", "/__api__/v1/groups", params={"page_size": 500, "prefix": "EMEA Finance"})
        assert {"EMEA Finance Analysts", "EMEA Finance Viewers 2"} <= {g["name"] for g in listed["results"]}
        members = Client(server).ok("GET", f"/__api__/v1/groups/{extra[1]['guid']}/members")
        assert len(members["results"]) == 2


def test_content_listing_reads_the_callers_groups_not_per_item():
    """Every item's app_role needs the caller's groups when a group is on its list: with 2,000 groups and 10,000
    items, reading them per item made one listing take over 30 seconds."""
    server = StandIn(seed="bench", seed_options={"content": 30, "groups": 50, "audit": 0, "usage": 0})
    state = server.state
    finance = next(g for g in state.groups.values() if g["name"] == "Finance")
    for item in state.content.values():
        state.add_permission(item, finance["guid"], "group", "viewer")
    calls = []
    groups_of = state.groups_of
    state.groups_of = lambda guid: calls.append(guid) or groups_of(guid)
    with server:
        for who in ("admin", "victor"):
            calls.clear()
            listed = Client(server, who).ok("GET", "/__api__/v1/content")
            # once for the listing (and once more for visible_content, for a non-administrator), never per item
            assert len(listed) == 30 and set(calls) == {user(server, who)["guid"]} and len(calls) <= 2
        assert {c["app_role"] for c in listed} == {"viewer"}  # victor is in Finance, on every item's list
