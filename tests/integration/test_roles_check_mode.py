"""Every role honours check mode however it is set: --check, on the play, on a block, on include_role (apply) and
import_role. Each way, the stand-in receives no write and the role writes no file; the handoff still reports
what would move. Per role, two ansible-playbook runs: --check, and one whose four plays set check mode the other four
ways, each play on a stand-in of its own; each way's test asserts on its play (its requests, files and output)."""

import json

import pytest

from connect_standin import StandIn
from playbook_runs import run_playbook

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


ROLES = ["ownership_handoff", "content_report", "audit_export", "user_offboarding", "content_rebuild"]


@pytest.fixture(scope="module")
def servers():
    """A demo stand-in per way of setting check mode (which leaves them as they are)."""
    started = dict((way, StandIn(seed="demo").start()) for way in WAYS)
    yield started
    for standin in started.values():
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


def owners(server):
    return dict((guid, item["owner_guid"]) for guid, item in server.state.content.items())


FACTS = {"ownership_handoff": "connect_handoff", "content_report": "connect_report",
         "audit_export": "connect_audit_export", "user_offboarding": "connect_offboard", "content_rebuild": "connect_rebuild"}
KEPT = ["ansible-tmp", "play.yml", "results.json"]  # what a test's ansible-playbook run leaves in its folder


def play(way, role, play_vars=None):
    """The way's play of the role, named after the way, with these play variables; then the role's fact shown."""
    text = WAYS[way] % dict(role=role)
    if play_vars is not None:
        text = text.replace("  gather_facts: false\n", "  gather_facts: false\n  name: %s\n  vars: %s\n"
                            % (json.dumps(way), json.dumps(play_vars)), 1)
    return text + "    - name: fact %s\n      ansible.builtin.debug: {var: %s}\n" % (way, FACTS[role])


def run_check(role, server, where):
    """The role run with --check (its variables as extra vars, its files in the run's own folder)."""
    run = run_playbook(play("--check", role), server, where, check=True, extra_vars=role_vars(role, where))
    return {"--check": dict(run=run, output=run.stdout, folder=where, run_folder=where)}


def run_plays(role, servers, where):
    """One ansible-playbook whose plays set check mode each other way, each play on its own stand-in (its requests are
    its own) with a folder of its own (empty) for the role's files."""
    others = [way for way in sorted(WAYS) if way != "--check"]
    folders = dict((way, where / "files" / way.replace(" ", "-")) for way in others)
    for folder in folders.values():
        folder.mkdir(parents=True)
    text = "".join(play(way, role, dict(role_vars(role, folders[way]), connect_server=servers[way].url,
                                        connect_api_key=servers[way].keys["admin"]))
                   for way in others)
    (where / "run").mkdir()
    run = run_playbook(text, servers["--check"], where / "run")
    plays = dict((chunk.split("]", 1)[0], chunk) for chunk in run.stdout.split("\nPLAY [")[1:])
    return dict((way, dict(run=run, output=plays.get(way, ""), folder=folders[way], run_folder=where / "run"))
                for way in others)


@pytest.fixture(scope="module")
def every_way(servers, tmp_path_factory):
    """(role, way) -> what the role did that way: the run, its play's output, the folder for the role's files, the
    folder of the run, the way's stand-in's requests and owners before and after. The four ways in plays share one
    ansible-playbook run, made once (per pytest-xdist worker) for the four tests."""
    done = {}

    def seen(role, way):
        key = (role, way == "--check")
        if key not in done:
            ways = [way] if way == "--check" else [w for w in WAYS if w != "--check"]
            before = dict((w, owners(servers[w])) for w in ways)
            for w in ways:
                servers[w].clear_log()
            where = tmp_path_factory.mktemp(role)
            runs = run_check(role, servers[way], where) if way == "--check" else run_plays(role, servers, where)
            for w in ways:
                runs[w].update(requests=list(servers[w].requests), writes=servers[w].writes(), before=before[w],
                               after=owners(servers[w]))
            done[key] = runs
        return done[key][way]

    return seen


@pytest.mark.parametrize("way", sorted(WAYS))
@pytest.mark.parametrize("role", ROLES)
def test_check_mode_however_set_writes_nothing(every_way, role, way):
    seen = every_way(role, way)
    run = seen["run"].ok()
    assert seen["writes"] == []
    assert seen["requests"], "the role read nothing"
    assert seen["after"] == seen["before"]
    assert sorted(p.name for p in seen["folder"].iterdir() if p.name not in KEPT) == []  # no file the role would write
    assert sorted(p.name for p in seen["run_folder"].iterdir()) == KEPT
    if role == "ownership_handoff":
        assert "would move 15 of 15 items from dave to erin; 0 failed" in seen["output"], seen["output"][-3000:]
    if role == "user_offboarding":
        fact = run["fact %s" % way]["connect_offboard"]
        assert (fact["handoff"]["changed"], fact["groups"]["changed"], fact["locked"], fact["failures"]) == \
            (15, 1, True, [])
