"""Seeding a stand-in from Python before the role under test runs: the same API requests the collection's modules
would send (connect_deploy, connect_content_permission, connect_tag, connect_content), without an ansible-playbook
run each. The bundle is packed by the collection's own packer, so its bytes are those connect_deploy uploads (the
collection is importable: tests/conftest.py imports playbook_runs, which puts build/collections on sys.path)."""

import time

import requests

from ansible_collections.posit.connect.plugins.module_utils.files.bundle import pack


def api(server, method, path, body=None, data=None):
    """One request to the stand-in as its administrator; the JSON answer (None if empty). Fails on an error."""
    answer = requests.request(method, server.url + "/__api__/" + path, json=body, data=data,
                              headers={"Authorization": "Key %s" % server.keys["admin"]}, timeout=30)
    answer.raise_for_status()
    return answer.json() if answer.content else None


def deploy(server, name, owner, directory, **fields):
    """connect_deploy's requests: the item `name` of `owner` (created with `fields` if it does not exist, as the
    administrator, then given to the owner; else `fields` set), `directory` packed, uploaded and deployed; returns
    the item's guid."""
    owner_guid = server.state.user_by_username(owner)["guid"]
    item = next((c for c in server.state.content.values() if c["name"] == name and c["owner_guid"] == owner_guid), None)
    if item is None:  # created with the fields, then given to its owner
        guid = api(server, "POST", "v1/content", dict(fields, name=name))["guid"]
        api(server, "PATCH", "v1/content/" + guid, dict(owner_guid=owner_guid))
    else:
        guid = item["guid"]
        if fields:
            api(server, "PATCH", "v1/content/" + guid, fields)
    with open(pack(str(directory))["path"], "rb") as archive:
        bundle = api(server, "POST", "v1/content/%s/bundles" % guid, data=archive.read())
    task = api(server, "POST", "v1/content/%s/deploy" % guid, dict(bundle_id=bundle["id"]))
    deadline = time.monotonic() + 60
    while True:  # as connect_deploy waits: the task, asked to answer when it finishes
        state = api(server, "GET", "v1/tasks/%s?wait=5" % task["task_id"])
        if state["finished"] or time.monotonic() > deadline:
            break
    assert state["finished"] and state["code"] == 0, (name, state)
    return guid


def grant(server, guid, principal, principal_type, role):
    """connect_content_permission's request: `principal` (a username or group name) gets `role` on the item."""
    if principal_type == "user":
        principal_guid = server.state.user_by_username(principal)["guid"]
    else:
        principal_guid = next(g["guid"] for g in server.state.groups.values() if g["name"] == principal)
    api(server, "POST", "v1/content/%s/permissions" % guid,
        dict(principal_guid=principal_guid, principal_type=principal_type, role=role))


def tag(server, guid, path):
    """connect_tag's and connect_content's requests: the tag path (created level by level) put on the item."""
    parent = None
    for name in path.split("/"):
        found = next((t for t in server.state.tags.values() if t["name"] == name and t["parent_id"] == parent), None)
        parent = (found or api(server, "POST", "v1/tags", dict(name=name, parent_id=parent)))["id"]
    api(server, "POST", "v1/content/%s/tags" % guid, dict(tag_id=parent))


def vanity(server, guid, path):
    api(server, "PUT", "v1/content/%s/vanity" % guid, dict(path=path, force=False))


def environment(server, guid, values):
    api(server, "PATCH", "v1/content/%s/environment" % guid,
        [dict(name=name, value=value) for name, value in sorted(values.items())])
