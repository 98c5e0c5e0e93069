"""The posit.connect.audit_events source: main(queue, args) against the stand-in, as ansible-rulebook runs it."""

import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "build" / "collections"))  # `make setup` links the repository as posit.connect
sys.path.insert(0, str(ROOT / "tests" / "standin"))

from ansible_collections.posit.connect.extensions.eda.plugins.event_source import audit_events  # noqa: E402
from connect_standin import StandIn  # noqa: E402
from connect_standin.model import label  # noqa: E402

OLD_VERSION = "2024.06.0"  # before GET /v1/search/auditlogs: the source pages GET /v1/audit_logs


@pytest.fixture(scope="module", params=[None, OLD_VERSION], ids=["search", "audit_logs"])
def server(request):
    kwargs = {"version": request.param} if request.param else {}
    with StandIn(**kwargs) as standin:
        yield standin


@pytest.fixture(autouse=True)
def _no_faults(server):
    server.set_faults([])
    if server.killed:
        server.start()
    yield


class Queue:
    def __init__(self):
        self.events = []

    async def put(self, event):
        self.events.append(event)


class Source:
    """main(queue, args) running as a task; the test drives the stand-in meanwhile."""

    def __init__(self, server, **args):
        self.server = server
        self.args = dict(server=server.url, api_key=server.keys["admin"], interval=0.1, retries=0, **args)
        self.queue = Queue()
        self.task = None
        self.started = False  # the source logged its start position (its start-up queries are done)
        self.handler = logging.Handler()
        self.handler.emit = self._record
        logger = logging.getLogger(audit_events.__name__)
        logger.addHandler(self.handler)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)

    def _record(self, record):
        if "from position" in record.getMessage():
            self.started = True

    @property
    def events(self):
        return self.queue.events

    def audit(self):
        return [e["connect"]["audit"] for e in self.events]

    async def __aenter__(self):
        self.task = asyncio.create_task(audit_events.main(self.queue, self.args))
        return self

    async def __aexit__(self, *exc):
        logging.getLogger(audit_events.__name__).removeHandler(self.handler)
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass

    async def until(self, check, timeout=15):
        deadline = time.monotonic() + timeout
        while not check():
            if self.task.done():
                self.task.result()  # raise what ended the source
                raise AssertionError("the source ended")
            assert time.monotonic() < deadline, "timed out; events: %s" % self.events
            await asyncio.sleep(0.02)

    async def polls(self, count=1):
        """Wait until the source has started (its start-up queries done), then sent `count` more audit log queries."""
        await self.until(lambda: self.started)
        start = self._audit_requests()
        await self.until(lambda: self._audit_requests() >= start + count)

    def _audit_requests(self):
        return sum(1 for r in self.server.requests if "audit" in r["path"])


def run(scenario):
    return asyncio.run(scenario())


def item(server, name, owner="dave"):
    guid = server.state.user_by_username(owner)["guid"]
    return next(c for c in server.state.content.values() if c["name"] == name and c["owner_guid"] == guid)


def test_new_entries_arrive_once_in_log_order_with_names(server):
    sales = item(server, "sales-dashboard")
    before = len(server.state.audit_logs)

    async def scenario():
        async with Source(server) as source:
            await source.polls(2)  # started: the existing entries are not delivered
            assert source.events == []
            zed = server.add_user("zed-%s" % (server.version or "new"), "viewer", first_name="Zed")
            when = int(time.time())
            added = [server.add_audit("add_user", "Added user Zed (%s)" % zed["username"], user=None, when=when),
                     server.add_audit("edit_application", "Updated content %s: access_type" % label(sales),
                                      user="grace", when=when),
                     server.add_audit("remove_application", "Deleted content 'Gone App' (gone-app) [%s]"
                                      % "0f0e0d0c-0b0a-4908-8706-050403020100", when=when)]
            await source.until(lambda: len(source.events) == 3)
            await source.polls(3)
            assert len(source.events) == 3  # each once, though all three share one timestamp
            return source, added, zed

    source, added, zed = run(scenario)
    assert len(server.state.audit_logs) == before + 3
    audit = source.audit()
    assert [a["id"] for a in audit] == [str(e["id"]) for e in added]
    assert all(e["connect"]["server"] == server.url for e in source.events)
    new_user, update, delete = audit
    assert new_user["action"] == "add_user" and new_user["user_guid"] is None and new_user["user_username"] is None
    assert new_user["target_username"] == zed["username"] and new_user["target_user_guid"] == zed["guid"]
    assert update["user_username"] == "grace"
    assert (update["content_guid"], update["content_name"], update["content_title"], update["content_access_type"]) == \
        (sales["guid"], "sales-dashboard", "Sales Dashboard", "logged_in")
    assert update["content_url"].endswith("/content/%s/" % sales["guid"])
    # A deleted item keeps the name and title its description gives.
    assert (delete["content_name"], delete["content_title"], delete["content_access_type"]) == ("gone-app", "Gone App", None)
    assert set(update) >= {"id", "time", "user_id", "user_guid", "user_description", "action", "event_description"}
    assert server.keys["admin"] not in json.dumps(source.events)
    assert server.writes() == []


def test_since_a_time_delivers_from_then_on(server):
    logs = server.state.audit_logs
    start = logs[-10]["time"]
    expected = [str(e["id"]) for e in logs if e["time"] >= start]
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start))

    async def scenario():
        async with Source(server, since=since) as source:
            await source.until(lambda: len(source.events) >= len(expected))
            await source.polls(2)
            return source.audit()

    assert [a["id"] for a in run(scenario)] == expected


def test_restart_from_the_checkpoint_neither_repeats_nor_loses(server, tmp_path):
    checkpoint = tmp_path / "connect.checkpoint.json"

    async def first():
        async with Source(server, checkpoint=str(checkpoint)) as source:
            await source.polls(2)
            server.add_audit("add_group", "Created group Alpha", user="grace")
            server.add_audit("add_group", "Created group Beta", user="grace")
            await source.until(lambda: len(source.events) == 2)
            return source.audit()

    delivered = run(first)
    state = json.loads(checkpoint.read_text())
    assert state["last_time"] == delivered[-1]["time"] and delivered[-1]["id"] in state["last_ids"]
    assert sorted(os.listdir(tmp_path)) == ["connect.checkpoint.json"]  # no temporary file left behind

    # While the source is down, more happens; since: now is ignored when a checkpoint exists.
    missed = [server.add_audit("add_group", "Created group Gamma", user="grace"),
              server.add_audit("add_group", "Created group Delta", user="grace")]

    async def second():
        async with Source(server, checkpoint=str(checkpoint), since="now") as source:
            await source.until(lambda: len(source.events) == 2)
            await source.polls(3)
            return source.audit()

    again = run(second)
    assert [a["id"] for a in again] == [str(e["id"]) for e in missed]
    assert not set(a["id"] for a in again) & set(a["id"] for a in delivered)


def test_filters_actions_and_users(server):
    async def scenario():
        async with Source(server, actions=["REMOVE_application", "lock_user"], users=["grace", "alice"]) as source, \
                Source(server, actions="remove_application", users=["grace"]) as single:
            await source.polls(4)
            server.add_audit("remove_application", "Deleted content 'A' (a) [%s]" % ("1" * 8 + "-1111-4111-8111-" + "1" * 12),
                             user="admin")
            wanted = [server.add_audit("remove_application", "Deleted content 'B' (b) [%s]"
                                       % ("2" * 8 + "-2222-4222-8222-" + "2" * 12), user="grace"),
                      server.add_audit("lock_user", "Locked user Wendy Wu (wendy)", user="alice")]
            server.add_audit("add_group", "Created group Omega", user="grace")
            gone = server.add_audit("lock_user", "Locked user Nobody Here (nobody-here)", user="alice")
            wanted.append(gone)
            await source.until(lambda: len(source.events) == 3 and len(single.events) == 1)
            await source.polls(4)
            return source.audit(), single.audit(), wanted

    many, one, wanted = run(scenario)
    assert [a["id"] for a in many] == [str(e["id"]) for e in wanted]
    assert [a["id"] for a in one] == [str(wanted[0]["id"])]
    assert many[1]["target_username"] == "wendy" and many[1]["target_user_guid"] == \
        server.state.user_by_username("wendy")["guid"]
    assert "target_username" not in many[0]
    assert many[2]["target_username"] == "nobody-here" and "target_user_guid" not in many[2]  # no such user


def test_a_server_that_fails_for_a_while_is_retried(server, caplog):
    caplog.set_level(logging.WARNING)

    async def scenario():
        async with Source(server) as source:
            await source.polls(2)
            server.set_faults([{"kind": "500", "path": "audit", "count": 3}])  # not retried by the client
            first = server.add_audit("add_group", "Created group Faulty", user="grace")
            await source.until(lambda: len(source.events) == 1)
            server.kill()  # then unreachable for a while
            second = server.add_audit("add_group", "Created group Unreachable", user="grace")
            await asyncio.sleep(0.6)
            assert len(source.events) == 1
            server.start()
            await source.until(lambda: len(source.events) == 2)
            await source.polls(2)
            return source.audit(), [first, second]

    audit, added = run(scenario)
    assert [a["id"] for a in audit] == [str(e["id"]) for e in added]
    failures = [r.getMessage() for r in caplog.records if "polling" in r.getMessage()]
    assert any("HTTP 500" in m for m in failures) and any("Could not connect" in m for m in failures)
    assert all(server.keys["admin"] not in r.getMessage() for r in caplog.records)


def test_invalid_arguments_end_the_source_with_the_argument_named(server, tmp_path, monkeypatch):
    monkeypatch.delenv("CONNECT_SERVER", raising=False)
    monkeypatch.delenv("CONNECT_API_KEY", raising=False)

    def fails(args, text):
        with pytest.raises(ValueError, match=text):
            asyncio.run(asyncio.wait_for(audit_events.main(Queue(), args), 10))

    base = dict(server=server.url, api_key=server.keys["admin"], interval=0.1, retries=0)
    fails({"api_key": "k"}, "Argument 'server' is required")
    fails(dict(base, interval=0), "Argument 'interval' must be more than 0")
    fails(dict(base, since="yesterday"), "'since'")
    fails(dict(base, checkpoint=str(tmp_path / "missing" / "cp.json")), "Argument 'checkpoint'")
    fails(dict(base, users=["nobody-here"]), "Argument 'users': no Connect user with username or guid 'nobody-here'")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"version": 1, "server": "https://elsewhere.example/__api__", "last_time": None}))
    fails(dict(base, checkpoint=str(other)), "was written for the server https://elsewhere.example/__api__")


def test_unusable_checkpoints_and_unknown_actions_end_the_source_before_any_event(server, tmp_path):
    """A checkpoint whose position is not a time would replay the whole log; an unwritable folder would fail only
    after the first event was queued (and repeat it at every restart); an action the server does not record would
    be waited on forever. Each ends the source at start, naming the argument, with nothing queued."""
    base = dict(server=server.url, api_key=server.keys["admin"], interval=0.1, retries=0, since="-100d")

    def fails(args, *texts):
        queue = Queue()
        with pytest.raises(ValueError) as err:
            asyncio.run(asyncio.wait_for(audit_events.main(queue, args), 10))
        assert all(text in str(err.value) for text in texts), str(err.value)
        assert queue.events == []

    for bad in ("yesterday", "{{ lookup('pipe', 'id') }}", 12):
        checkpoint = tmp_path / "bad.json"
        checkpoint.write_text(json.dumps({"version": 1, "server": server.url + "/__api__", "last_time": bad,
                                          "last_ids": []}))
        fails(dict(base, checkpoint=str(checkpoint)), "Argument 'checkpoint'", "is not an RFC3339 time",
              "delete it to start again")
    checkpoint.write_text(json.dumps({"version": 1, "server": server.url + "/__api__",
                                      "last_time": "2025-01-31T12:00:00Z", "last_ids": "1,2"}))
    fails(dict(base, checkpoint=str(checkpoint)), "Argument 'checkpoint'", "last_ids")
    # /proc: no one (root included) may create a file there.
    fails(dict(base, checkpoint="/proc/connect.checkpoint.json"), "Argument 'checkpoint': cannot write in /proc")
    fails(dict(base, actions=["add_user", "remove_aplication"]), "Argument 'actions': this server has no audit action "
          "'remove_aplication' (did you mean remove_application", "connect_audit_info and list_actions: true")
    fails(dict(base, actions=["delete_content"]), "no audit action 'delete_content'", "actions with posit.connect.connect_audit_info")
    assert server.writes() == []


def test_delivery_is_at_least_once_a_crash_before_the_checkpoint_repeats_one_entry(server, tmp_path):
    """The process dies after an entry was put on the queue and before its checkpoint was written: after the restart
    that entry is delivered once more, and every other entry exactly once (docs/event-driven.md says so)."""
    checkpoint = tmp_path / "connect.checkpoint.json"

    class Crash(BaseException):
        pass

    class CrashingQueue(Queue):
        async def put(self, event):
            self.events.append(event)
            if len(self.events) == 2:
                raise Crash()  # as if killed between the queue and the checkpoint

    async def first():
        source = Source(server, checkpoint=str(checkpoint))
        source.queue = CrashingQueue()
        with pytest.raises(Crash):
            async with source:
                await source.polls(2)
                added = [server.add_audit("add_group", "Created group %s" % name, user="grace")
                         for name in ("Alpha", "Beta", "Gamma")]
                await source.until(lambda: False)  # raises what ended the source
        return source.audit(), added

    delivered, added = run(first)
    assert [a["id"] for a in delivered] == [str(e["id"]) for e in added[:2]]
    assert json.loads(checkpoint.read_text())["last_ids"] == [str(added[0]["id"])]  # Beta was never checkpointed

    async def second():
        async with Source(server, checkpoint=str(checkpoint)) as source:
            await source.until(lambda: len(source.events) == 2)
            await source.polls(3)
            return source.audit()

    assert [a["id"] for a in run(second)] == [str(e["id"]) for e in added[1:]]  # Beta again, Gamma once


def test_environment_provides_the_connection(server, monkeypatch):
    monkeypatch.setenv("CONNECT_SERVER", server.url)
    monkeypatch.setenv("CONNECT_API_KEY", server.keys["admin"])

    async def scenario():
        source = Source(server)
        source.args = {"interval": 0.1, "retries": 0}
        async with source:
            await source.polls(2)
            entry = server.add_audit("add_group", "Created group Env", user="grace")
            await source.until(lambda: len(source.events) == 1)
            return source.audit(), entry

    audit, entry = run(scenario)
    assert audit[0]["id"] == str(entry["id"])


def test_loads_by_path_as_ansible_rulebook_does():
    """ansible-rulebook runs the file with runpy.run_path, without the collections directory on sys.path: the
    source adds it (from its own location) to import the collection's client."""
    import subprocess
    plugin = ROOT / "build" / "collections" / "ansible_collections" / "posit" / "connect" / "extensions" / "eda" / \
        "plugins" / "event_source" / "audit_events.py"
    code = "import runpy; assert callable(runpy.run_path(%r)['main'])" % str(plugin)
    env = dict((k, v) for k, v in os.environ.items() if k != "PYTHONPATH")
    proc = subprocess.run([sys.executable, "-c", code], cwd="/", env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr


def test_names_written_by_others_cannot_point_the_event_elsewhere(server):
    """Full names and titles are free text: a full name holding "(admin)" does not make admin the target, and a title
    holding another item's label does not make that item the event's content."""
    eve = server.add_user("eve-%s" % (server.version or "new"), "publisher", first_name="Eve (admin)", last_name="Smith")
    other = item(server, "sales-dashboard")
    own = item(server, "legacy-kpis")
    client = audit_events.Options(dict(server=server.url, api_key=server.keys["admin"])).client()
    lookups = audit_events.Lookups(client)
    entry = lookups.enrich({"id": "1", "user_guid": None, "event_description": "Added user Eve (admin) Smith (%s)"
                            % eve["username"]})
    assert (entry["target_username"], entry["target_user_guid"]) == (eve["username"], eve["guid"])
    fake = "x' (sales-dashboard) [%s] '" % other["guid"]
    entry = lookups.enrich({"id": "2", "user_guid": None, "event_description": "Updated content '%s' (%s) [%s]: title"
                            % (fake, own["name"], own["guid"])})
    assert entry["content_guid"] == own["guid"] and entry["content_name"] == "legacy-kpis"
    gone = lookups.enrich({"id": "3", "user_guid": None, "event_description": "Locked user Eve (admin) Smith (nobody-x)"})
    assert gone["target_username"] == "admin" and "target_user_guid" not in gone  # no user reads that way: no guid
    client.session.close()


def test_documentation_and_examples_are_yaml():
    import yaml
    doc = yaml.safe_load(audit_events.DOCUMENTATION)
    assert set(doc["options"]) >= {"server", "api_key", "actions", "since", "checkpoint"}
    (rulebook,) = yaml.safe_load(audit_events.EXAMPLES)
    extra = rulebook["rules"][0]["action"]["run_playbook"]["extra_vars"]
    assert set(extra) == {"connect_default_group", "connect_audit_id", "connect_audit_time"}  # never event text


def test_booleans_and_numbers_are_read_as_ansible_reads_them(monkeypatch):
    """Ansible's own checks (check_type_bool, check_type_int, check_type_float): 'y' and 't' are true as in a
    playbook (before, only 1/true/yes/on); a fraction is no retry count; a bad value names its argument."""
    monkeypatch.delenv("CONNECT_VALIDATE_CERTS", raising=False)
    base = dict(server="https://connect.example.com", api_key="k")
    assert audit_events.Options(dict(base, validate_certs="n")).validate_certs is False
    assert audit_events.Options(dict(base, validate_certs=" y ")).validate_certs is True
    assert audit_events.Options(dict(base, timeout="2.5", retries="3")).timeout == 2.5
    for args, text in ((dict(validate_certs="maybe"), "Argument 'validate_certs' must be true or false"),
                       (dict(retries="1.5"), "Argument 'retries' must be a number"),
                       (dict(interval="soon"), "Argument 'interval' must be a number")):
        with pytest.raises(ValueError, match=text):
            audit_events.Options(dict(base, **args))
