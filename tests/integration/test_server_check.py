"""posit.connect.connect_server_check and connect_server_info include: [storage, runtimes] against the stand-in:
real ansible-playbook runs, checked against the stand-in's model and its request log."""

import pytest

from connect_standin import system

from reference import undeclared

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: check
      posit.connect.connect_server_check:
        wait_timeout: 30
"""

INFO = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: info
      posit.connect.connect_server_info:
        include: [storage, runtimes]
"""


@pytest.fixture
def passing(monkeypatch):
    monkeypatch.setattr(system, "CHECKS", [c for c in system.CHECKS if c[2]])


def test_check_mode_before_any_run_reads_and_starts_nothing(standin, playbook):
    run = playbook(PLAY, check=True).ok()["check"]
    assert run["run"] is None and run["checks"] == [] and run["available"] is True
    assert standin.writes() == [] and standin.state.system_checks == []


def test_a_failed_check_fails_the_task_then_check_mode_reads_the_last_run(standin, playbook):
    run = playbook(PLAY)
    assert run.rc != 0
    result = run["check"]
    failed = ["%s/%s" % (g, t) for g, t, ok in system.CHECKS if not ok]
    assert sorted("%s/%s" % (c["group"], c["test"]) for c in result["failed_checks"]) == failed
    assert len(result["checks"]) == len(system.CHECKS) and result["run"]["status"] == "done"
    assert "email/smtp" in result["msg"] and result["changed"] is False
    assert [e["method"] for e in standin.writes()] == ["POST"] and undeclared(standin.requests) == []
    standin.clear_log()
    again = playbook(PLAY, check=True)
    assert again.rc != 0 and again["check"]["run"]["id"] == result["run"]["id"]
    assert standin.writes() == [] and len(standin.state.system_checks) == 1


def test_all_checks_pass(standin, playbook, passing):
    result = playbook(PLAY).ok()["check"]
    assert result["failed_checks"] == [] and all(c["passed"] for c in result["checks"])


def test_server_info_storage_and_runtimes(standin, playbook):
    from connect_standin.model import INSTALLED
    server = playbook(INFO).ok()["info"]["server"]
    assert set(server["storage"]["bundles"]) >= {"bytes_total", "count"}
    for language in ("r", "python", "quarto"):
        assert [i["version"] for i in server["runtimes"][language]] == list(INSTALLED[language])
    publisher = playbook(INFO, api_key=standin.keys["dave"]).ok()["info"]
    assert publisher["server"]["storage"] is None and publisher["server"]["runtimes"]["r"]
    assert any("administrator" in w for w in publisher["warnings"])
    assert standin.writes() == [] and undeclared(standin.requests) == []


def test_a_viewer_may_not_run_checks(standin, playbook):
    viewer = next(u for u in standin.state.users.values() if u["user_role"] == "viewer" and not u["locked"])
    run = playbook(PLAY, api_key=standin.keys[viewer["username"]])
    assert run.rc != 0 and "administrator" in run["check"]["msg"] and standin.writes() == []
