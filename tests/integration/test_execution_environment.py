"""posit.connect.connect_execution_environment and connect_execution_environment_info against the stand-in: real
ansible-playbook runs, asserting results, the request log and the stand-in's environments."""

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
