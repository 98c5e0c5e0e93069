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
