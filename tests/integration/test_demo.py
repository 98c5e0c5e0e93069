"""`make demo`: tools/demo.py starts a stand-in, runs playbooks/demo.yml and leaves the report behind."""

import csv
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_make_demo_runs_the_tour_end_to_end(tmp_path):
    env = dict(os.environ, DEMO_REPORT_DIR=str(tmp_path / "report"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"))
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "demo.py")], cwd=str(ROOT), env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300, check=False)
    out = proc.stdout
    assert proc.returncode == 0, out[-5000:] + proc.stderr[-2000:]
    # Each step of the tour ran and said what it did.
    assert "Connect 2025.09.0 at http://127.0.0.1:" in out and "signed in as admin" in out
    assert "items per owner:" in out and "'dave': 15" in out
    assert "Dry run: 15 of 15 items of dave would move to erin." in out
    assert "Moved 15 of 15 items to erin; failed: 0." in out
    assert "Audit log: 15 ownership changes since " in out
    report = tmp_path / "report"
    assert "Content report: %s/index.html" % report in out
    # The deploy and the re-deploy that uploads nothing.
    assert "Deployed bundle " in out and "to hello-static: Deployment completed." in out
    assert "Re-deploy: changed False; bundle " in out
    # Content as code: export, plan (no drift), apply a new item with every facet, plan again (no drift).
    assert "Content as code: exported 40 items; the plan finds 0 differences." in out
    assert "Content as code: applied; 1 items changed, 1 created." in out
    assert "Content as code: the plan after the apply finds 0 differences." in out
    assert "not-a-real-secret" not in out  # the environment value never shows
    assert (report / "content.yml").stat().st_size > 0 and "No drift" in (report / "drift.md").read_text()
    # The handoff's 15 PATCH requests, content as code's new item's 6 writes (POST, PATCH of the owner, tag,
    # vanity URL, environment, ACL entry) and the deploy's 3 (create, upload, deploy) are the only writes.
    assert "The stand-in received 24 write requests." in out
    with open(report / "handoff.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 15
    for name in ("index.html", "content.csv", "content.json"):
        assert (report / name).stat().st_size > 0
    assert "key-admin-" not in out + proc.stderr  # the stand-in's admin key never shows
