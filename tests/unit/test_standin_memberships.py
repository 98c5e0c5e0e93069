"""The stand-in's POST /v1/groups/{group_guid}/members (used by the new_user_default_group rulebook's playbook)."""

import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standin"))

from connect_standin import StandIn  # noqa: E402


def test_add_group_member():
    with StandIn() as server:
        finance = next(g for g in server.state.groups.values() if g["name"] == "Finance")
        zed = server.add_user("zed", "viewer", first_name="Zed")
        url = server.url + "/__api__/v1/groups/%s/members" % finance["guid"]

        def post(who, body, path=url):
            return requests.post(path, json=body, timeout=10, headers={"Authorization": "Key " + server.keys[who]})

        assert post("publisher", {"user_guid": zed["guid"]}).json()["code"] == 22  # not the group's owner
        assert post("admin", {"user_guid": zed["guid"]}).status_code == 204
        assert zed["guid"] in server.state.members[finance["guid"]]
        entry = server.state.audit_logs[-1]
        assert (entry["action"], entry["event_description"]) == ("add_group_member", "Added user Zed (zed) to group Finance")
        again = post("admin", {"user_guid": zed["guid"]})
        assert again.status_code == 409 and set(again.json()) == {"code", "error", "payload"}
        assert post("admin", {"user_guid": "0f0e0d0c-0b0a-4908-8706-050403020100"}).status_code == 404
        assert post("admin", {"user": zed["guid"]}).json()["code"] == 121
        assert post("admin", {"user_guid": zed["guid"]}, url.replace(finance["guid"], "not-a-guid")).json()["code"] == 3
        assert server.state.members[finance["guid"]].count(zed["guid"]) == 1
