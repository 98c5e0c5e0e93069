"""The benchmark's quick variant runs in CI so it cannot rot. It asserts that every contender ran and did
its work, never a time: times are measured by `make bench` and recorded in bench/RESULTS.md."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_quick_benchmark_runs_every_contender(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--json", str(out)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads(out.read_text())
    handoff = data["results"]["handoff"]
    names = [row[0] for row in handoff["rows"]]
    assert [n.split(" ")[0] for n in names] == ["ownership_handoff", "posit-sdk", "connect_content", "physical", "fixed",
                                                "ansible-playbook's"]
    assert handoff["writes"] == data["sizes"]["items"]  # the role sent one PATCH per item, nothing else
    assert handoff["reapply"]["writes"] == 0 and handoff["reapply"]["requests"] <= 4
    offboarding = data["results"]["offboarding"]
    assert offboarding["rerun_writes"] == 0
    assert offboarding["writes"] == 10 + offboarding["acl_entries"] + 2  # handoff PATCHes, ACL DELETEs, group, lock
    cac = data["results"]["cac"]
    assert [row[0].split(":")[0] for row in cac["rows"]] == ["plan", "plan", "plan", "export (ACLs and environment names read per item)",
                                                             "posit-sdk", "bound of the plan with ACLs and environment names",
                                                             "bound of the export", "export of one item (the export's fixed cost)"]
    n = data["sizes"]["items"]
    # each bound counts the per-item requests its run sent: two facets for the plan, three for the export (with OAuth)
    assert [row[3] for row in cac["rows"][5:7]] == [2 * n, 3 * n] and cac["runs"]["heavy"]["per_item"] == 2 * n
    assert cac["runs"]["light"]["requests"] <= 5 and cac["runs"]["light"]["writes"] == 0
    # one read per item per facet, and the ACL's one group looked up once for every item
    assert cac["runs"]["heavy"]["requests"] == 2 * n + cac["runs"]["light"]["requests"] + 1
    assert all(run["drift"] == 0 and run["writes"] == 0 for run in cac["runs"].values())  # the exported spec: no drift
    counts = data["results"]["audit"]["counts"]
    assert len({c["matched"] for c in list(counts.values())[:2]}) == 1  # both paths found the same entries
    assert counts["search path"]["requests"] < counts["fallback path"]["requests"]
    assert counts["fallback path, since -30d"]["requests"] < counts["fallback path"]["requests"]
    packages = data["results"]["packages"]  # every contender built the same rows (asserted by the benchmark)
    assert packages["matched"] > 0 and [c["requests"] for c in packages["contenders"]][:2] == [2, 2]
    assert packages["contenders"][2]["requests"] > packages["contenders"][0]["requests"]
    assert "### connect_package_info" in proc.stdout
    assert "| ratio |" in proc.stdout and "### Ownership handoff" in proc.stdout and "### Offboarding" in proc.stdout
    deploy = data["results"]["deploy"]
    assert deploy["reapply"]["uploads"] == 0 and deploy["reapply"]["writes"] == 0
    assert deploy["reapply"]["requests"] <= 2 * data["sizes"]["deploy_items"]
    assert sorted(deploy["memory"]) == [str(mb) for mb in data["sizes"]["bundle_mb"]]
    assert "### connect_deploy" in proc.stdout
    environments = data["results"]["environments"]
    assert environments["created"]["writes"] == 2 * n  # an image POST and a permission POST each
    assert environments["converged"]["writes"] == 0  # the converged batch: reads only
    # server settings, the one listing, the principal lookup, a permissions read per image
    assert environments["converged"]["requests"] <= n + 4
    assert environments["info"]["requests"] <= 4 and environments["info"]["requesting"] == n
    assert "### Execution environments as code" in proc.stdout
    rebuild = data["results"]["rebuild"]  # the role and posit-sdk each built every item once (asserted by the benchmark)
    assert rebuild["items"] == data["sizes"]["items"] and rebuild["task_seconds"] == data["sizes"]["task_seconds"]
    assert [row[0].split(" ")[0] for row in rebuild["rows"]] == ["content_rebuild", "posit-sdk", "bound:", "fixed"]
    assert "### content_rebuild" in proc.stdout
    jobs = data["results"]["jobs"]  # one jobs read per item, no write (asserted by the benchmark), and the listing
    assert jobs["items"] == data["sizes"]["items"] and jobs["requests"] == jobs["items"] + 1
    assert [row[0].split(" ")[0] for row in jobs["rows"]] == ["connect_job_info", "bound:", "fixed"]
    assert "### connect_job_info" in proc.stdout
    big = data["results"]["big_results"]  # every contender listed every item (asserted by the benchmark)
    assert big["items"] == data["sizes"]["info_items"] and len(big["rows"]) == 4
    assert "### Big results" in proc.stdout
    oauth = data["results"]["oauth"]
    assert oauth["converged"]["writes"] == 0  # a converged plan: one associations read per item, no write
    assert oauth["converged"]["requests"] <= n + 5
    assert "### OAuth integrations on content" in proc.stdout
    scale = data["results"]["scale"]  # every scenario did its work at both sizes (asserted by the benchmark)
    assert [row["key"] for row in scale["rows"]] == ["report", "export", "plan", "audit", "offboarding", "handoff"]
    assert scale["offboarding"]["sent"] == scale["offboarding"]["expected"]  # the requests in its bound, no other
    full = scale["runs"]["full"]
    assert full["plan"]["requests"] <= 5 and all(full[key]["writes"] == 0 for key in ("report", "export", "plan", "audit"))
    assert full["handoff"]["writes"] == scale["full"]["items"]  # one PATCH per item
    assert all(row["bound"] >= row["fixed"] > 0 and row["rss"] > 0 for row in scale["rows"])
    # the report's page of the scale run opened in Chromium, and every key typed and erased was timed
    assert scale["page"]["bytes"] > 0 and len(scale["page"]["keystrokes"]) == 26 and scale["page"]["ready"] > 0
    assert [name for name, _v, _w, _m in scale["checks"][-2:]] == [
        "report page: opened, load and table on screen (ms)", "report page: filter, the slowest keystroke to its rows (ms)"]
    assert [name.split(",")[0] for name, _v, _w, _m in big["checks"]] == ["big results"] * 2
    principals = data["results"]["principals"]  # 6 users among 1,200 (the listing: 3 pages), 6 groups among 8
    assert [row[1] for row in principals["rows"]] == [4, 1] and all(met for _n, _v, _w, met in principals["checks"])
    assert "### Principals" in proc.stdout and "### Issue 29's targets" in proc.stdout
    assert scale["floor"]["full"]["rss"] > 0 and scale["floor"]["full"]["mib"] > scale["floor"]["tenth"]["mib"]
    assert "### At scale" in proc.stdout
