"""The stand-in's parts for the event source and its rulebooks: POST /v1/groups/{group_guid}/members (the
new_user_default_group playbook), audit entries appended while it runs (add_audit, POST /__standin__/audit),
and the bench seed's package rows from the command line."""

import json
import signal
import subprocess
import sys
from pathlib import Path

import requests

STANDIN_DIR = Path(__file__).resolve().parents[1] / "standin"
sys.path.insert(0, str(STANDIN_DIR))

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
        assert (entry["action"], entry["event_description"]) == ("add_group_member", "Added Zed (zed) to group Finance")
        again = post("admin", {"user_guid": zed["guid"]})
        assert again.status_code == 409 and set(again.json()) == {"code", "error", "payload"}
        unknown = post("admin", {"user_guid": "0f0e0d0c-0b0a-4908-8706-050403020100"})
        assert unknown.status_code == 400 and "does not exist" in unknown.json()["error"]
        assert post("admin", {"user": zed["guid"]}).json()["code"] == 121
        assert post("admin", {"user_guid": zed["guid"]}, url.replace(finance["guid"], "not-a-guid")).json()["code"] == 3
        assert server.state.members[finance["guid"]].count(zed["guid"]) == 1


def test_audit_entries_appended_while_running(tmp_path):
    keys_file = tmp_path / "keys.json"
    process = subprocess.Popen([sys.executable, "-m", "connect_standin", "--port", "0", "--seed", "bench", "--content",
                                "20", "--packages", "300", "--audit", "10", "--keys-file", str(keys_file)],
                               cwd=str(STANDIN_DIR), stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().split()[1]
        headers = {"Authorization": "Key " + json.loads(keys_file.read_text())["admin"]}
        assert requests.get(url + "/__api__/v1/packages", headers=headers, timeout=10).json()["total"] == 300
        added = requests.post(url + "/__standin__/audit", timeout=10,
                              json={"action": "add_user", "description": "Added user Zed (zed)", "user": None}).json()
        newest = requests.get(url + "/__api__/v1/audit_logs", params={"ascOrder": "false", "limit": 1}, headers=headers,
                              timeout=10).json()["results"][0]
        assert newest["id"] == added["id"] and newest["user_guid"] is None and newest["action"] == "add_user"
        assert requests.post(url + "/__standin__/audit", json={"action": "x", "description": "y", "user": "nobody"},
                             timeout=10).status_code == 400
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0

    with StandIn() as server:
        entry = server.add_audit("lock_user", "Locked user Wendy Wu (wendy)", user="grace", when=1_700_000_000)
        assert server.state.audit_logs[-1] is entry and entry["user_description"] == "Grace Hopper (grace)"
        assert entry["time"] == 1_700_000_000
