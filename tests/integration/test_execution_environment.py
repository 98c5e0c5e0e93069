"""posit.connect.connect_execution_environment and connect_execution_environment_info against the stand-in: real
ansible-playbook runs, asserting results, the request log and the stand-in's environments."""

import os

import pytest

from connect_standin import StandIn
from connect_standin.exec_environments import add_environment

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
%s
"""
IMAGE = "ghcr.io/rstudio/content-base:r4.4.1-py3.12.4"
HOSTILE = ("{{ lookup('pipe','touch /tmp/pwned-env') }} {% if 1 %}x{% endif %}\nline\r\u2028\u0085"
           "=cmd|' /C calc'!A0 <script>alert(1)</script> \"quoted\" 'single'")
PY312 = {"version": "3.12.4", "path": "/opt/python/3.12.4/bin/python3"}
PY311 = {"version": "3.11.9", "path": "/opt/python/3.11.9/bin/python3"}
R44 = {"version": "4.4.1", "path": "/opt/R/4.4.1/bin/R"}


def tasks(text):
    return PLAY % "\n".join("    " + line for line in text.strip("\n").splitlines())


@pytest.fixture
def demo(standin):
    standin.reset(seed="demo")
    return standin


def writes(server):
    return [(e["method"], e["path"]) for e in server.writes()]


def environment(server, name=IMAGE):
    return next((e for e in server.state.exec_environments.values() if e["name"] == name), None)


def test_create_merge_update_sets_idempotence_check_mode_diff_delete(demo, playbook):
    body = """
- name: create, check mode
  posit.connect.connect_execution_environment: &create
    name: %(image)s
    title: R and Python
    description: first
    matching: exact
    supervisor: /usr/local/bin/supervisor.sh
    python: [%(py312)s, %(py311)s]
  check_mode: true
  diff: true
- name: create
  posit.connect.connect_execution_environment: *create
- name: again, installations in another order
  posit.connect.connect_execution_environment:
    name: %(image)s
    python: [%(py311)s, %(py312)s]
- name: merge an R installation, check mode
  posit.connect.connect_execution_environment: &merge
    name: %(image)s
    r: [%(r44)s]
    python: [%(py312)s]
  check_mode: true
  diff: true
- name: merge
  posit.connect.connect_execution_environment: *merge
- name: merge again
  posit.connect.connect_execution_environment: *merge
""" % dict(image=IMAGE, py312=PY312, py311=PY311, r44=R44)
    run = playbook(tasks(body)).ok()
    checked = run["create, check mode"]
    assert checked["changed"] is True and checked["environment"]["guid"] is None
    assert checked["diff"]["after"]["python"] == [PY311, PY312] and checked["diff"]["after"]["cluster_name"] == "Kubernetes"
    created = run["create"]["environment"]
    assert created["title"] == "R and Python" and created["matching"] == "exact"
    assert run["again, installations in another order"]["changed"] is False
    diff = run["merge an R installation, check mode"]["diff"]
    assert diff["before"] == {"python": [PY311, PY312], "r": []} and diff["after"] == {"python": [PY312], "r": [R44]}
    merged = run["merge"]["environment"]
    # options not given are kept although Connect's PUT replaces the whole environment
    assert (merged["title"], merged["description"], merged["matching"], merged["supervisor"]) == (
        "R and Python", "first", "exact", "/usr/local/bin/supervisor.sh")
    assert merged["python"] == {"installations": [PY312]} and merged["r"] == {"installations": [R44]}
    assert run["merge again"]["changed"] is False
    guid = created["guid"]
    assert writes(demo) == [("POST", "/__api__/v1/environments"), ("PUT", "/__api__/v1/environments/%s" % guid)]
    put = [e for e in demo.writes() if e["method"] == "PUT"][0]
    assert put["body"]["title"] == "R and Python" and put["body"]["matching"] == "exact"

    demo.clear_log()
    body = """
- name: delete, check mode
  posit.connect.connect_execution_environment: {name: %(image)s, state: absent}
  check_mode: true
  diff: true
- name: delete
  posit.connect.connect_execution_environment: {name: %(image)s, state: absent}
- name: delete again
  posit.connect.connect_execution_environment: {name: %(image)s, state: absent}
""" % dict(image=IMAGE)
    run = playbook(tasks(body)).ok()
    assert run["delete, check mode"]["changed"] is True
    assert run["delete, check mode"]["diff"]["before"]["name"] == IMAGE
    assert run["delete"]["changed"] is True and run["delete"]["environment"] is None
    assert run["delete again"]["changed"] is False
    assert writes(demo) == [("DELETE", "/__api__/v1/environments/%s" % guid)]
    assert environment(demo) is None


def test_config_managed_environment_is_refused_and_left_alone(demo, playbook):
    with demo.state.lock:
        managed = add_environment(demo.state, "ghcr.io/example/managed:1", title="from the file",
                                  managed_by="configuration file")
    body = """
- name: update
  posit.connect.connect_execution_environment: {name: "ghcr.io/example/managed:1", title: changed}
  ignore_errors: true
- name: delete
  posit.connect.connect_execution_environment: {name: "ghcr.io/example/managed:1", state: absent}
  ignore_errors: true
- name: unchanged is fine
  posit.connect.connect_execution_environment: {name: "ghcr.io/example/managed:1", title: from the file}
"""
    run = playbook(tasks(body)).ok()
    for task in ("update", "delete"):
        result = run[task]
        assert result["_status"] == "failed" and "managed_by" in result["msg"] and "configuration file" in result["msg"]
        assert result["changed"] is False
    assert run["unchanged is fine"]["changed"] is False
    assert managed["title"] == "from the file" and environment(demo, "ghcr.io/example/managed:1") is managed


def test_permissions_by_name_check_mode_diff_purge(demo, playbook):
    with demo.state.lock:
        add_environment(demo.state, IMAGE, title="shared")
    body = """
- name: grant, check mode
  posit.connect.connect_execution_environment: &grant
    name: %(image)s
    permissions:
      - {principal: alice}
      - {principal: Finance, principal_type: group}
  check_mode: true
  diff: true
- name: grant
  posit.connect.connect_execution_environment: *grant
- name: grant again
  posit.connect.connect_execution_environment: *grant
- name: exactly bob
  posit.connect.connect_execution_environment:
    name: %(image)s
    permissions: [{principal: bob}]
    purge_permissions: true
  diff: true
- name: unknown user
  posit.connect.connect_execution_environment:
    name: %(image)s
    permissions: [{principal: nobody-here}]
  ignore_errors: true
""" % dict(image=IMAGE)
    run = playbook(tasks(body)).ok()
    checked = run["grant, check mode"]
    assert checked["changed"] is True
    assert checked["diff"]["before"] == {"permissions": []}
    assert checked["diff"]["after"] == {"permissions": [{"principal": "Finance", "principal_type": "group"},
                                                        {"principal": "alice", "principal_type": "user"}]}
    assert run["grant"]["changed"] is True and run["grant again"]["changed"] is False
    assert run["exactly bob"]["diff"]["after"] == {"permissions": [{"principal": "bob", "principal_type": "user"}]}
    assert "nobody-here" in run["unknown user"]["msg"] and "permissions[0].principal" in run["unknown user"]["msg"]
    state = demo.state
    guid = environment(demo)["guid"]
    alice, bob = state.user_by_username("alice")["guid"], state.user_by_username("bob")["guid"]
    finance = next(g["guid"] for g in state.groups.values() if g["name"] == "Finance")
    posts = [e["body"] for e in demo.writes() if e["method"] == "POST"]
    assert posts == [{"user_guid": alice}, {"group_guid": finance}, {"user_guid": bob}]
    assert [e["method"] for e in demo.writes()] == ["POST", "POST", "DELETE", "DELETE", "POST"]
    assert all(e["path"].startswith("/__api__/v1/environments/%s/permissions" % guid) for e in demo.writes())
    assert [(p["user_guid"], p["group_guid"]) for p in environment(demo)["permissions"]] == [(bob, None)]


def test_hostile_titles_are_carried_as_data_and_batch(demo, playbook, tmp_path):
    if os.path.exists("/tmp/pwned-env"):
        os.unlink("/tmp/pwned-env")
    with demo.state.lock:  # written by someone else, through Connect
        add_environment(demo.state, "ghcr.io/example/one:1", title=HOSTILE, description=HOSTILE)
    body = """
- name: batch
  posit.connect.connect_execution_environment:
    matching: none
    items:
      - name: ghcr.io/example/one:1
        supervisor: /usr/local/bin/supervisor.sh
      - name: ghcr.io/example/two:1
        r: [{version: "4.4.1", path: opt/R/bin/R}]
  ignore_errors: true
  diff: true
- name: list
  posit.connect.connect_execution_environment_info:
  register: listed
- name: again
  posit.connect.connect_execution_environment:
    name: ghcr.io/example/one:1
    title: "{{ listed.environments[0].title }}"
    description: "{{ listed.environments[0].description }}"
"""
    run = playbook(tasks(body))
    assert "r[0].path" in run["batch"]["msg"] and "absolute path" in run["batch"]["msg"], run["batch"]["msg"]
    assert run["batch"]["_status"] == "failed"  # bad input fails the task before any request
    assert demo.writes() == []
    run = playbook(tasks(body.replace("path: opt/R/bin/R", "path: /opt/R/bin/R"))).ok()
    assert run["batch"]["changed_count"] == 2
    one = environment(demo, "ghcr.io/example/one:1")
    assert one["title"] == HOSTILE and one["description"] == HOSTILE and one["matching"] == "none"
    assert one["supervisor"] == "/usr/local/bin/supervisor.sh"
    assert run["list"]["environments"][0]["title"] == HOSTILE
    assert run["again"]["changed"] is False
    assert not os.path.exists("/tmp/pwned-env")
    put = [e for e in demo.writes() if e["method"] == "PUT"][0]
    assert put["body"]["title"] == HOSTILE  # kept, as data, through Connect's replacing PUT


def test_info_lists_the_content_that_requests_each_image(demo, playbook):
    with demo.state.lock:
        add_environment(demo.state, IMAGE, title="shared")
        add_environment(demo.state, "ghcr.io/example/unused:1")
    demo.add_content("uses-image", owner="alice", default_image_name=IMAGE)
    body = """
- name: all
  posit.connect.connect_execution_environment_info:
    include: [content]
- name: one
  posit.connect.connect_execution_environment_info:
    name: ghcr.io/example/unused:1
"""
    run = playbook(tasks(body)).ok()
    listed = dict((e["name"], e) for e in run["all"]["environments"])
    assert [c["name"] for c in listed[IMAGE]["content"]] == ["uses-image"]
    assert listed["ghcr.io/example/unused:1"]["content"] == []
    assert [e["name"] for e in run["one"]["environments"]] == ["ghcr.io/example/unused:1"]
    assert "content" not in run["one"]["environments"][0]
    assert demo.writes() == []


@pytest.mark.parametrize("version,task,needs", [
    ("2023.03.0", "connect_execution_environment_info: {}", "2023.5.0"),
    ("2023.03.0", "connect_execution_environment: {name: x/y:1}", "2023.5.0"),
    ("2025.03.0", "connect_execution_environment: {name: x/y:1, permissions: [{principal: alice}]}", "2025.5.0"),
])
def test_older_servers_fail_naming_the_version(tmp_path, playbook, version, task, needs):
    with StandIn(version=version) as old:
        run = playbook(tasks("- name: task\n  posit.connect.%s\n  ignore_errors: true" % task), server=old)
        result = run["task"]
        assert result["_status"] == "failed" and version in result["msg"] and needs in result["msg"], result
        assert old.writes() == []


def test_fields_the_server_does_not_report_are_kept_through_its_replacing_update(demo, playbook):
    mounts = [{"source": {"volume_type": "nfs", "nfs_host": "nfs.example.com", "nfs_export_path": "/data"},
               "target": {"path": "/mnt/data", "read_only": True}}]
    node = [{"version": "20.11.0", "path": "/opt/node/20.11.0/bin/node"}]
    body = """
- name: create
  posit.connect.connect_execution_environment: &image
    name: %(image)s
    nodejs: %(node)s
    volume_mounts: %(mounts)s
- name: again
  posit.connect.connect_execution_environment: *image
- name: retitle
  posit.connect.connect_execution_environment:
    <<: *image
    title: retitled
""" % dict(image=IMAGE, node=node, mounts=mounts)
    run = playbook(tasks(body)).ok()
    assert run["create"]["changed"] is True
    again = run["again"]
    assert again["changed"] is False and any("does not report" in w and "nodejs" in w for w in again["warnings"])
    assert run["retitle"]["changed"] is True
    record = environment(demo)
    assert record["title"] == "retitled" and record["nodejs"] == {"installations": node}
    assert record["volume_mounts"] == mounts
    assert [e["method"] for e in demo.writes()] == ["POST", "PUT"]
