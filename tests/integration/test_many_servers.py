"""One playbook run against two Connect servers at once: the example many-servers inventory and
playbooks/server_report.yml, each host a stand-in of a different version, forks 2."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from connect_standin import StandIn

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "playbooks" / "inventories" / "many-servers"
PLAYBOOK = ROOT / "playbooks" / "server_report.yml"


@pytest.fixture
def servers():
    """The example inventory's two hosts as stand-ins: a current server and one older than audit search."""
    pair = {
        "connect-prod": (StandIn(version="2025.09.0", latency=0.3).start(), "admin"),
        "connect-staging": (StandIn(version="2024.06.0", latency=0.3).start(), "grace"),
    }
    yield pair
    for server, _user in pair.values():
        server.stop()


def test_server_report_runs_on_each_server_in_parallel(tmp_path, servers):
    inventory = tmp_path / "inventory"
    shutil.copytree(str(INVENTORY), str(inventory))
    hosts = yaml.safe_load((inventory / "hosts.yml").read_text())["connect_servers"]["hosts"]
    assert sorted(hosts) == sorted(servers)
    for host, (server, user) in servers.items():
        (inventory / "host_vars" / ("%s.yml" % host)).write_text(yaml.safe_dump(
            {"connect_server": server.url, "connect_api_key": server.keys[user]}))

    env = dict(os.environ)
    for name in ("CONNECT_SERVER", "CONNECT_API_KEY", "CONNECT_CA_PATH", "ANSIBLE_PYTHON_INTERPRETER"):
        env.pop(name, None)  # only the inventory says where each server is and how to run
    env.update(ANSIBLE_COLLECTIONS_PATH=str(ROOT / "build" / "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
               ANSIBLE_SHOW_CUSTOM_STATS="1")
    report_file = tmp_path / "report.json"
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), str(PLAYBOOK),
         "--forks", "2", "-e", "report_file=%s" % report_file],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=str(tmp_path), env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert proc.stdout.count("failed=0") == 2
    assert "CUSTOM STATS" in proc.stdout and "connect_reports" in proc.stdout

    reports = json.loads(report_file.read_text())
    assert sorted(reports) == sorted(servers)
    for host, (server, user) in servers.items():
        assert reports[host] == {
            "host": host,
            "api_url": server.url + "/__api__",
            "version": server.version,
            "search_audit_logs": server.version >= "2025.01.0",
            "api_key_user": user,
        }
        # Every request this server saw came from its own host's key; none from the other host.
        log = server.requests
        expected = {("GET", "/__api__/server_settings"), ("GET", "/__api__/v1/user"),
                    ("GET", "/__api__/v1/search/auditlogs"),  # the probe
                    ("GET", "/__api__/v1/metrics/users/active")}  # licensed active users (absent: 404, no failure)
        assert {(e["method"], e["path"]) for e in log} == expected
        assert {e["user"] for e in log if e["path"] == "/__api__/v1/user"} == {user}
        assert server.writes() == []

    # forks 2: the two servers were queried at the same time, not one after the other.
    spans = []
    for server, _user in servers.values():
        log = server.requests
        spans.append((min(e["time"] for e in log), max(e["time"] + e["duration_ms"] / 1000.0 for e in log)))
    (start_a, end_a), (start_b, end_b) = spans
    assert start_a < end_b and start_b < end_a, "the servers were not queried in parallel: %s" % spans
