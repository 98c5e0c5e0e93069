"""Real ansible-rulebook (Java 17+) runs the example rulebooks with the posit.connect.audit_events source
against the stand-in: audit entries appear while it runs, and the rule's playbook runs exactly once per
matching entry (notify_content_changes posts to a webhook; new_user_default_group adds the user to a group).
Text written by others (titles, descriptions, names) reaches the playbooks as data: no template in it runs."""

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
def rulebook(standin, tmp_path, name, variables, started=True):
    """ansible-rulebook running the collection's rulebook `name` against the stand-in (1 s polls, a checkpoint);
    yields the process once the source has made its first poll (at once with started=False); stopped on exit."""
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
                            cwd=str(tmp_path), env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        if started:
            wait(checkpoint.exists, 120, "the source's first poll", proc)  # "since: now": the position is saved
        yield proc
    finally:
        stop(proc)
        log.close()
    output = (tmp_path / "rulebook.log").read_text()
    assert standin.keys["admin"] not in output


# Template syntax, line breaks, a CSV formula, HTML and quotes: text that publishers and users may write.
def hostile(marker):
    return ("{{ lookup('pipe', 'touch %s') }} {%% if true %%}T{%% endif %%} =cmd|' /C calc'!A0 <script>x</script> "
            "\"quoted\" 'single'\nline\rbreak\u2028sep\u0085nel" % marker)


def admin_session(standin):
    admin = requests.Session()
    admin.headers["Authorization"] = "Key " + standin.keys["admin"]
    return admin


def test_notify_runs_the_playbook_once_per_matching_entry(standin, tmp_path):
    hook = Webhook()
    try:
        with rulebook(standin, tmp_path, "notify_content_changes", dict(connect_notify_url=hook.url)) as proc:
            admin = admin_session(standin)
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
            gone = standin.add_audit("remove_application", "Deleted content 'Old Thing' (old-thing) [%s]"
                                     % "3f2e1d0c-4b5a-4968-8776-a5b4c3d2e1f0", user="grace")

            wait(lambda: len(hook.posts) >= 3, 180, "three notifications", proc)
            time.sleep(4)  # a few more polls: nothing is delivered twice
    finally:
        hook.shutdown()
    output = (tmp_path / "rulebook.log").read_text()
    assert sorted((p["reason"], p["audit"]["action"]) for p in hook.posts) == [
        ("access granted to all", "edit_application"), ("removed", "remove_application"),
        ("removed", "remove_application")], output[-4000:]
    opening = next(p for p in hook.posts if p["reason"] == "access granted to all")
    assert opening["content"]["guid"] == opened["guid"] and opening["content"]["access_type"] == "all"
    removals = {p["audit"]["id"]: p for p in hook.posts if p["reason"] == "removed"}
    assert removals[str(gone["id"])]["content"] is None and removals[str(gone["id"])]["audit"]["user_description"] \
        == "Grace Hopper (grace)"
    deletion = next(p for i, p in removals.items() if i != str(gone["id"]))
    assert deletion["server"] == standin.url and "Legacy KPIs" in deletion["audit"]["event_description"]
    assert deletion["audit"]["user_description"].endswith("(admin)") and "Legacy KPIs" in deletion["text"]


def test_notify_carries_hostile_titles_descriptions_and_names_as_data(standin, tmp_path):
    """A publisher whose name, content title and description hold templates: the shipped rulebook and playbook post
    them to the webhook as the literal text, and run none of them (no marker file appears)."""
    markers = {part: tmp_path / ("pwned-" + part) for part in ("title", "description", "name", "event")}
    mallet = standin.add_user("mallet", "publisher", first_name=hostile(markers["name"]), last_name="M")
    items = [standin.add_content("evil-%d" % n, owner="mallet", title=hostile(markers["title"]),
                                 description=hostile(markers["description"]), access_type="acl") for n in (1, 2)]
    hook = Webhook()
    try:
        with rulebook(standin, tmp_path, "notify_content_changes", dict(connect_notify_url=hook.url)) as proc:
            publisher = requests.Session()
            publisher.headers["Authorization"] = "Key " + standin.keys["mallet"]
            api = standin.url + "/__api__/v1/content/"
            assert publisher.patch(api + items[0]["guid"], json={"access_type": "all"}, timeout=10).ok
            assert publisher.delete(api + items[1]["guid"], timeout=10).status_code == 204
            # An entry whose own text is hostile, as Connect may word one.
            standin.add_audit("remove_application", hostile(markers["event"]) + " [%s]" % items[1]["guid"],
                              user="mallet")
            wait(lambda: len(hook.posts) >= 3, 180, "three notifications", proc)
            time.sleep(3)
    finally:
        hook.shutdown()
    output = (tmp_path / "rulebook.log").read_text()
    assert [m.name for m in markers.values() if m.exists()] == [], output[-4000:]
    assert len(hook.posts) == 3, output[-4000:]
    opening = next(p for p in hook.posts if p["reason"] == "access granted to all")
    assert opening["content"]["title"] == hostile(markers["title"])
    assert opening["content"]["description"] == hostile(markers["description"])
    for post in hook.posts:
        assert post["audit"]["user_description"] == "%s M (mallet)" % hostile(markers["name"])
        assert hostile(markers["name"]) in post["text"]
    texts = sorted(p["audit"]["event_description"] for p in hook.posts)
    assert hostile(markers["event"]) + " [%s]" % items[1]["guid"] in texts
    assert sum(hostile(markers["title"]) in t for t in texts) == 2
    assert mallet["guid"] in {p["audit"]["user_guid"] for p in hook.posts}
    assert standin.keys["admin"] not in output


def test_new_users_join_the_default_group(standin, tmp_path):
    finance = next(g for g in standin.state.groups.values() if g["name"] == "Finance")
    zed, yan = standin.add_user("zed", "viewer", first_name="Zed"), standin.add_user("yan", "publisher", first_name="Yan")
    marker = tmp_path / "pwned-user"
    # A username and a full name that hold templates (directory and SSO usernames are not ours to choose).
    odd = standin.add_user("o{{7*7}}", "viewer", first_name=hostile(marker))
    members = "/__api__/v1/groups/%s/members" % finance["guid"]

    def posts():
        return [r for r in standin.requests if r["method"] == "POST" and r["path"] == members]

    with rulebook(standin, tmp_path, "new_user_default_group", dict(connect_default_group="Finance")) as proc:
        standin.clear_log()
        standin.add_audit("add_user", "Added user Zed (zed)", user=None)
        standin.add_audit("add_user", "Added user yan", user=None)  # no username in parentheses: not matched
        standin.add_audit("add_user", "Added user Yan (yan)", user="admin")
        standin.add_audit("add_user", "Added user Erin Evans (erin)", user=None)  # already a member: no POST
        standin.add_audit("lock_user", "Locked user Zed (zed)")  # another action
        standin.add_audit("add_user", "Added user %s (%s)" % (hostile(marker), odd["username"]), user=None)
        wait(lambda: len(posts()) >= 3, 180, "three memberships", proc)
        time.sleep(4)  # a few more polls: nothing is delivered twice
    output = (tmp_path / "rulebook.log").read_text()
    assert not marker.exists(), output[-4000:]
    assert sorted(r["body"]["user_guid"] for r in posts()) == sorted([zed["guid"], yan["guid"], odd["guid"]])
    assert all(r["status"] == 204 for r in posts())
    state_members = standin.state.members[finance["guid"]]
    assert {zed["guid"], yan["guid"], odd["guid"]} <= set(state_members)
    assert output.count("PLAY RECAP") == 4, output[-4000:]  # zed, yan, erin, the odd one: one run each


def test_a_rulebook_action_the_server_does_not_record_stops_it_at_start(standin, tmp_path, monkeypatch):
    """On a server that does not record `remove_application`, the shipped rulebook does not wait for it forever:
    ansible-rulebook ends at start with the source's message naming the action."""
    from connect_standin import model
    monkeypatch.delitem(model.AUDIT_ACTIONS, "remove_application")
    with rulebook(standin, tmp_path, "notify_content_changes", dict(connect_notify_url="http://127.0.0.1:9/"),
                  started=False) as proc:
        proc.wait(timeout=120)
    output = (tmp_path / "rulebook.log").read_text()
    assert proc.returncode != 0, output[-4000:]
    assert "Argument 'actions': this server has no audit action 'remove_application'" in output, output[-4000:]
    assert standin.writes() == []
