"""Reliability matrix: ansible-playbook killed (SIGKILL) half-way through a 500-item handoff; a re-run finishes it,
with no item written twice and none lost."""

import os
import signal
import subprocess
import time

from playbook_runs import playbook_command, role_play
from connect_standin import StandIn

HANDOFF = role_play("ownership_handoff", "connect_handoff")
MOVE = dict(connect_handoff_from="dave", connect_handoff_to="alice", connect_handoff_concurrency=4)


def descendants(pid):
    """Every live process below pid (read from /proc before anything is killed)."""
    children = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/stat" % entry) as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def test_a_handoff_killed_half_way_is_finished_by_a_rerun(playbook, tmp_path):
    with StandIn(seed="bench", seed_options=dict(content=500, audit=10, usage=0, owner="dave"), latency=0.01) as server:
        dave = server.state.user_by_username("dave")["guid"]
        cmd, env, _results = playbook_command(HANDOFF, server, tmp_path, extra_vars=MOVE)
        proc = subprocess.Popen(cmd, cwd=str(tmp_path), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        deadline = time.monotonic() + 120
        while sum(1 for e in server.writes() if e["method"] == "PATCH") < 150 and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in [proc.pid] + descendants(proc.pid):  # ansible-playbook, its workers and the module process
            os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=30)
        time.sleep(0.5)  # requests in flight when the client died are answered (or dropped) by now
        first = [e for e in server.writes() if e["status"] == 200]
        left = sum(1 for c in server.state.content.values() if c["owner_guid"] == dave)
        assert 150 <= len(first) < 500 and left == 500 - len(first)

        server.clear_log()
        rerun = playbook(HANDOFF, server=server, extra_vars=MOVE).ok()
        second = [e for e in server.writes() if e["status"] == 200]
        assert rerun["fact"]["connect_handoff"]["changed"] == left and rerun["fact"]["connect_handoff"]["failed"] == []
        assert not any(c["owner_guid"] == dave for c in server.state.content.values())
        moved = [e["path"] for e in first + second]
        assert len(moved) == len(set(moved)) == 500  # every item written exactly once
