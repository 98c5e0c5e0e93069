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
        assert (entry["action"], entry["event_description"]) == ("add_group_member", "Added user Zed (zed) to group Finance")
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


def _recorded_names():
    """Every action name the stand-in's code writes: the literal actions of its record(...) calls, and the
    actions its seeds write (the demo seed through record, the bench seed directly)."""
    import ast

    names = set()
    for path in (STANDIN_DIR / "connect_standin").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "record" and len(node.args) > 1:
                arg = node.args[1]
                choices = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
                names.update(c.value for c in choices if isinstance(c, ast.Constant))
    server = StandIn()
    for seed, options in (("demo", {}), ("bench", {"audit": 1000, "content": 10})):
        server.reset(seed, options)
        names.update(e["action"] for e in server.state.audit_logs)
    return names


def test_audit_actions_list_exactly_what_the_standin_writes():
    from connect_standin.model import AUDIT_ACTIONS, CONFIRMED_AUDIT_ACTIONS

    with StandIn() as server:
        listed = requests.get(server.url + "/__api__/v1/audit/actions", timeout=10,
                              headers={"Authorization": "Key " + server.keys["admin"]}).json()
        assert all(set(a) == {"action", "description"} and a["description"] for a in listed)
        assert {a["action"] for a in listed} == set(AUDIT_ACTIONS) == _recorded_names()
        # Connect's confirmed names (tests/fixtures/connect-api/audit-actions.md); the stand-in's invented
        # content names are gone.
        assert CONFIRMED_AUDIT_ACTIONS == {"add_user", "edit_user", "add_group", "remove_group", "add_application",
                                           "deploy_application"} and CONFIRMED_AUDIT_ACTIONS <= set(AUDIT_ACTIONS)
        assert not {"add_content", "update_content", "delete_content", "change_content_owner", "add_content_permission",
                    "update_content_permission", "remove_content_permission"} & set(AUDIT_ACTIONS)
        # A name it does not list is refused, through the Python API and the control endpoint alike.
        try:
            server.add_audit("delete_content", "Deleted content 'X' (x) [%s]" % server.state.users[
                next(iter(server.state.users))]["guid"])
        except ValueError as exc:
            assert "delete_content" in str(exc)
        else:
            raise AssertionError("an unlisted action was recorded")
        answer = requests.post(server.url + "/__standin__/audit", timeout=10,
                               json={"action": "update_content", "description": "y"})
        assert answer.status_code == 400 and "update_content" in answer.json()["error"]


def test_audit_descriptions_follow_connect_formats():
    """Connect's one documented description format, "Added user Full Name (username)", and the same way of naming
    a user in the stand-in's other entries about a user (which the event source reads the username from)."""
    with StandIn() as server:
        admin = {"Authorization": "Key " + server.keys["admin"]}
        made = requests.post(server.url + "/__api__/v1/users", headers=admin, timeout=10,
                             json={"username": "zed", "first_name": "Zed", "last_name": "Zimmer", "email": "zed@example.com",
                                   "password": "long-enough", "user_role": "viewer"})
        assert made.status_code in (200, 201), made.text
        finance = next(g for g in server.state.groups.values() if g["name"] == "Finance")
        members = server.url + "/__api__/v1/groups/%s/members" % finance["guid"]
        assert requests.post(members, json={"user_guid": made.json()["guid"]}, headers=admin, timeout=10).ok
        assert requests.delete(members + "/" + made.json()["guid"], headers=admin, timeout=10).ok
        assert [(e["action"], e["event_description"]) for e in server.state.audit_logs[-3:]] == [
            ("add_user", "Added user Zed Zimmer (zed)"),
            ("add_group_member", "Added user Zed Zimmer (zed) to group Finance"),
            ("remove_group_member", "Removed user Zed Zimmer (zed) from group Finance")]
