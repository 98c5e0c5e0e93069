"""`make demo`: start a Connect stand-in with the demo organization, run playbooks/demo.yml against it,
and leave the content report in build/demo/report/ (or $DEMO_REPORT_DIR).

Usage: python tools/demo.py [extra ansible-playbook arguments, e.g. --check or -v]
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "standin"))

from connect_standin import StandIn  # noqa: E402


def main(argv):
    report_dir = Path(os.environ.get("DEMO_REPORT_DIR") or ROOT / "build" / "demo" / "report")
    report_dir.mkdir(parents=True, exist_ok=True)
    server = StandIn(seed="demo").start()
    print("Connect stand-in (demo organization) listening on %s" % server.url, flush=True)
    env = dict(os.environ,
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / "build" / "collections"),
               ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
               CONNECT_SERVER=server.url,
               CONNECT_API_KEY=server.keys["admin"])
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), str(ROOT / "playbooks" / "demo.yml"),
           "-i", "localhost,", "-e", "demo_report_dir=%s" % report_dir] + argv
    try:
        rc = subprocess.call(cmd, env=env, cwd=str(ROOT))
    finally:
        writes = len(server.writes())
        server.stop()
    print("The stand-in received %d write requests. Open %s in a browser." % (writes, report_dir / "index.html"))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
