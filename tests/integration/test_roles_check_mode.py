"""Every role honours check mode however it is set: --check, on the play, on a block, on include_role (apply) and
import_role. Each way, the stand-in receives no write and the role writes no file; the handoff still reports
what would move."""

import pytest

from connect_standin import StandIn

WAYS = {
    "--check": """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: role
      ansible.builtin.include_role: {name: posit.connect.%(role)s}
""",
    "play": """
- hosts: localhost
  gather_facts: false
  check_mode: true
  tasks:
    - name: role
      ansible.builtin.include_role: {name: posit.connect.%(role)s}
""",
    "block": """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: a block in check mode
      check_mode: true
      block:
        - name: role
          ansible.builtin.include_role: {name: posit.connect.%(role)s}
""",
    "include_role apply": """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: role
      ansible.builtin.include_role:
        name: posit.connect.%(role)s
        apply: {check_mode: true}
""",
    "import_role": """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: role
      ansible.builtin.import_role: {name: posit.connect.%(role)s}
      check_mode: true
""",
}


@pytest.fixture(scope="module")
def server():
    standin = StandIn(seed="demo").start()
    yield standin
    standin.stop()


def role_vars(role, tmp_path):
    return {
        "ownership_handoff": dict(connect_handoff_from="dave", connect_handoff_to="erin",
                                  connect_handoff_report=str(tmp_path / "handoff.csv")),
        "content_report": dict(connect_report_dir=str(tmp_path / "report")),
        "content_rebuild": dict(connect_rebuild_r="<4.3", connect_rebuild_report=str(tmp_path / "rebuild.csv"),
                                connect_rebuild_state_file=str(tmp_path / "rebuild.json")),
        "audit_export": dict(connect_audit_export_dest=str(tmp_path / "audit.jsonl"),
                             connect_audit_export_state=str(tmp_path / "audit.state")),
        "user_offboarding": dict(connect_offboard_user="dave", connect_offboard_to="erin",
                                 connect_offboard_report=str(tmp_path / "offboarding.csv")),
    }[role]


@pytest.mark.parametrize("way", sorted(WAYS))
@pytest.mark.parametrize("role", ["ownership_handoff", "content_report", "audit_export", "user_offboarding",
                                  "content_rebuild"])
def test_check_mode_however_set_writes_nothing(server, playbook, tmp_path, role, way):
    server.clear_log()
    before = dict((guid, item["owner_guid"]) for guid, item in server.state.content.items())
    text = WAYS[way] % dict(role=role)
    if role == "user_offboarding":
        text += "    - name: fact\n      ansible.builtin.debug: {var: connect_offboard}\n"
    run = playbook(text, server=server, check=way == "--check",
                   extra_vars=role_vars(role, tmp_path)).ok()
    assert server.writes() == []
    assert server.requests, "the role read nothing"
    assert dict((guid, item["owner_guid"]) for guid, item in server.state.content.items()) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name not in ("play.yml", "results.json", "ansible-tmp")) == []
    if role == "ownership_handoff":
        assert "would move 15 of 15 items from dave to erin; 0 failed" in run.stdout
    if role == "user_offboarding":
        fact = run["fact"]["connect_offboard"]
        assert (fact["handoff"]["changed"], fact["groups"]["changed"], fact["locked"], fact["failures"]) == \
            (15, 1, True, [])
