"""Real ansible-rulebook (Java 17+) runs the example rulebooks with the posit.connect.audit_events source
against the stand-in: audit entries appear while it runs, and the rule's playbook runs exactly once per
matching entry (notify_content_changes posts to a webhook; new_user_default_group adds the user to a group)."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS = ROOT / "build" / "collections"
RULEBOOK = shutil.which("ansible-rulebook", path=str(Path(sys.executable).parent))


class Webhook(ThreadingHTTPServer):
    """Collects the JSON bodies POSTed to it."""

    def __init__(self):
        self.posts = []
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                posts.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return "http://127.0.0.1:%d/hook" % self.server_address[1]


def wait(check, timeout, what, proc):
    deadline = time.monotonic() + timeout
    while not check():
        if proc.poll() is not None:
            raise AssertionError("ansible-rulebook ended (rc %s) before %s" % (proc.returncode, what))
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %s" % what)
        time.sleep(0.2)


def stop(proc):
    """End ansible-rulebook and what it started (its own process group); SIGKILL after 30 s."""
    for sig in (signal.SIGINT, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=30)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def rulebook(standin, tmp_path, name, variables):
    """ansible-rulebook running the collection's rulebook `name` against the stand-in (1 s polls, a checkpoint);
    yields (process, checkpoint path) once the source has made its first poll; stopped on exit."""
    # The test fails, never skips, without them: `make test` installs both (requirements-dev.txt, the Makefile).
    assert RULEBOOK, "ansible-rulebook is not in the virtualenv; run the tests through make"
    assert shutil.which("java"), "ansible-rulebook needs a Java 17+ runtime; make test installs openjdk-17-jre-headless"
    checkpoint = tmp_path / "audit.checkpoint.json"
    (tmp_path / "vars.yml").write_text(json.dumps(dict(variables, connect_audit_interval=1,
                                                       connect_audit_checkpoint=str(checkpoint))))
    (tmp_path / "inventory.yml").write_text(json.dumps(
        {"all": {"hosts": {"localhost": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"), ANSIBLE_NOCOLOR="1",
               PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
               CONNECT_SERVER=standin.url, CONNECT_API_KEY=standin.keys["admin"])
    log = open(tmp_path / "rulebook.log", "w")
    proc = subprocess.Popen([RULEBOOK, "-r", "posit.connect." + name, "-i", str(tmp_path / "inventory.yml"),
                             "--vars", str(tmp_path / "vars.yml"), "-E", "CONNECT_SERVER,CONNECT_API_KEY"],
                            cwd=str(tmp_path), env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        wait(checkpoint.exists, 120, "the source's first poll", proc)  # "since: now": the position is saved
        yield proc
    finally:
        stop(proc)
        log.close()
    output = (tmp_path / "rulebook.log").read_text()
    assert standin.keys["admin"] not in output


def test_notify_runs_the_playbook_once_per_matching_entry(standin, tmp_path):
    hook = Webhook()
    try:
        with rulebook(standin, tmp_path, "notify_content_changes", dict(connect_notify_url=hook.url)) as proc:
            admin = requests.Session()
            admin.headers["Authorization"] = "Key " + standin.keys["admin"]
            by_name = {(c["name"], standin.state.users[c["owner_guid"]]["username"]): c
                       for c in standin.state.content.values()}
            survey = by_name[("survey-results", "alice")]  # access_type all already
            deleted = by_name[("legacy-kpis", "dave")]
            opened = by_name[("budget-report", "bob")]
            api = standin.url + "/__api__/v1/content/"
            assert admin.delete(api + deleted["guid"], timeout=10).status_code == 204
            assert admin.patch(api + opened["guid"], json={"access_type": "all"}, timeout=10).ok
            assert admin.patch(api + survey["guid"], json={"description": "no access change"}, timeout=10).ok
            assert admin.patch(api + by_name[("ap-aging", "erin")]["guid"], json={"access_type": "logged_in"},
                               timeout=10).ok
            standin.add_audit("add_user", "Added user Zed Zimmer (zed)")  # an action the source does not ask for
            standin.add_audit("delete_content", "Deleted content 'Old Thing' (old-thing) [%s]"
                              % "3f2e1d0c-4b5a-4968-8776-a5b4c3d2e1f0", user="grace")

            wait(lambda: len(hook.posts) >= 3, 180, "three notifications", proc)
            time.sleep(4)  # a few more polls: nothing is delivered twice
    finally:
        hook.shutdown()
    output = (tmp_path / "rulebook.log").read_text()
    by_reason = sorted((p["reason"], p["audit"]["content_name"]) for p in hook.posts)
    assert by_reason == [("access granted to all", "budget-report"), ("deleted", "legacy-kpis"),
                         ("deleted", "old-thing")], output[-4000:]
    deletion = next(p for p in hook.posts if p["audit"]["content_name"] == "legacy-kpis")
    assert deletion["server"] == standin.url and deletion["audit"]["content_title"] == "Legacy KPIs"
    assert deletion["audit"]["user_username"] == "admin" and "Legacy KPIs" in deletion["text"]


def test_new_users_join_the_default_group(standin, tmp_path):
    finance = next(g for g in standin.state.groups.values() if g["name"] == "Finance")
    zed, yan = standin.add_user("zed", "viewer", first_name="Zed"), standin.add_user("yan", "publisher")
    members = "/__api__/v1/groups/%s/members" % finance["guid"]

    def posts():
        return [r for r in standin.requests if r["method"] == "POST" and r["path"] == members]

    def runs():  # each run of the playbook looks the group up once
        return [r for r in standin.requests if r["path"] == "/__api__/v1/groups" and r["method"] == "GET"]

    with rulebook(standin, tmp_path, "new_user_default_group", dict(connect_default_group="Finance")) as proc:
        standin.clear_log()
        standin.add_audit("add_user", "Added user Zed (zed)", user=None)
        standin.add_audit("add_user", "Added user yan", user=None)  # no username in parentheses: not matched
        standin.add_audit("add_user", "Added user Yan (yan)", user="admin")
        standin.add_audit("add_user", "Added user Erin Evans (erin)", user=None)  # already a member: no POST
        standin.add_audit("lock_user", "Locked user Zed (zed)")  # another action
        wait(lambda: len(runs()) >= 3, 180, "three playbook runs", proc)
        time.sleep(4)  # a few more polls: nothing is delivered twice
    output = (tmp_path / "rulebook.log").read_text()
    assert len(runs()) == 3, output[-4000:]
    assert sorted(r["body"]["user_guid"] for r in posts()) == sorted([zed["guid"], yan["guid"]])
    assert all(r["status"] == 204 for r in posts())
    state_members = standin.state.members[finance["guid"]]
    assert zed["guid"] in state_members and yan["guid"] in state_members
