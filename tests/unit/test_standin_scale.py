"""The stand-in at scale: what it does per request does not grow with the number of groups, users or items
(issue 29: at 10,000 items its CPU, not the latency it adds, bounded the ownership handoff)."""

from connect_standin import StandIn
from standin_helpers import Client, user


class _NoScan(dict):
    """A members mapping that fails a test when a request walks every group's member list."""

    def _scan(self, *_args):
        raise AssertionError("a request read every group's member list")

    items = values = __iter__ = _scan


def test_a_write_reads_no_group_member_list():
    """PATCH of an item whose ACL names a group (the handoff's request) answers app_role from the memberships
    index, not from a walk over every group (2,000 groups at scale: ~3.5 ms of CPU per request)."""
    with StandIn(seed="bench", seed_options=dict(content=3, users=50, groups=20)) as server:
        state = server.state
        item = next(iter(state.content.values()))
        group = next(iter(state.groups.values()))
        state.add_permission(item, group["guid"], "group", "viewer")
        alice = user(server, "alice")["guid"]
        state.members = _NoScan(state.members)
        admin = Client(server)
        answer = admin("PATCH", "/v1/content/%s" % item["guid"], json={"owner_guid": alice})
        assert answer.status_code == 200 and answer.json()["owner_guid"] == alice
        assert Client(server, "alice")("GET", "/v1/content/%s" % item["guid"]).json()["app_role"] == "owner"


def test_memberships_follow_every_membership_change():
    """The index answers as the member lists do after adding, removing and deleting through the API."""
    with StandIn() as server:
        state, admin = server.state, Client(server)
        zed = server.add_user("zed", "viewer")["guid"]
        group = admin("POST", "/v1/groups", json={"name": "Zed's own"}).json()["guid"]
        other = next(g for g in state.groups if g != group)

        def truth():
            return {g for g, members in dict.items(state.members) if zed in members}

        assert state.groups_of(zed) == truth() == set()
        for guid in (group, other):
            assert admin("POST", "/v1/groups/%s/members" % guid, json={"user_guid": zed}).status_code == 204
        assert state.groups_of(zed) == truth() == {group, other}
        assert admin("DELETE", "/v1/groups/%s/members/%s" % (other, zed)).status_code == 204
        assert state.groups_of(zed) == truth() == {group}
        assert admin("DELETE", "/v1/groups/%s" % group).status_code == 204
        assert state.groups_of(zed) == truth() == set()
        state.groups_of(zed).add("not stored")  # a copy: the caller's changes stay out of the index
        assert state.groups_of(zed) == set()


def test_a_walk_over_the_users_sorts_them_once(monkeypatch):
    """GET /v1/users sorts every user for its first page and keeps that order for the next pages (at 50,000 users a
    sort per page cost ~0.1 s of CPU under the model's lock); a user added or changed between pages is sorted in."""
    from connect_standin import api

    sorts = []
    real = api._user_sort_key
    monkeypatch.setattr(api, "_user_sort_key", lambda field: sorts.append(field) or real(field))
    with StandIn(seed="bench", seed_options=dict(content=1, users=60)) as server:
        admin = Client(server)

        def page(number, **query):
            return admin("GET", "/v1/users", params=dict(query, page_number=number, page_size=10)).json()

        first = page(1)
        walk = [u["username"] for n in range(1, 8) for u in page(n)["results"]]
        assert len(sorts) == 2 and first["total"] == len(walk) == len(server.state.users)  # page 1 twice
        expected = sorted(server.state.users.values(),
                          key=lambda u: (u["first_name"].lower(), u["last_name"].lower(), u["username"].lower(), u["email"].lower()))
        assert walk == [u["username"] for u in expected]
        admin("POST", "/v1/users", json=dict(username="aaron", first_name="", email="a@example.com",
                                             user_role="viewer", password="s3cret!-long"))
        assert page(2)["total"] == len(walk) + 1 and len(sorts) == 3  # a new user: sorted again
        by_name = [u["username"] for u in page(1, sort="username", asc_order="false")["results"]]
        assert by_name == sorted((u["username"] for u in server.state.users.values()), key=str.lower,
                                 reverse=True)[:10]
