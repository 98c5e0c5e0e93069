# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""posit.connect.audit_events: an Event-Driven Ansible source of Posit Connect's audit log.

Polls Connect's audit log every ``interval`` seconds and puts each new entry on the queue once, in log
order, as ``{"connect": {"server": ..., "audit": entry}}``. See DOCUMENTATION and docs/event-driven.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import json
import logging
import os
import re
import sys
import tempfile

from ansible.module_utils.common.validation import check_type_bool, check_type_float, check_type_int

try:
    from ansible_collections.posit.connect.plugins.module_utils.api.client import ConnectClient
except ImportError:  # loaded by path (runpy) with the collections directory not on sys.path: add it
    sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), *[os.pardir] * 7)))
    from ansible_collections.posit.connect.plugins.module_utils.api.client import ConnectClient

from ansible_collections.posit.connect.plugins.module_utils.concepts.audit import AuditQuery, check_actions, iter_audit
from ansible_collections.posit.connect.plugins.module_utils.api.errors import explain_forbidden
from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import GUID_RE, is_guid
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import find_user
from ansible_collections.posit.connect.plugins.module_utils.files.export import AuditCursor, write_beside
from ansible_collections.posit.connect.plugins.module_utils.files.timeutil import format_time, parse_rfc3339, parse_time

DOCUMENTATION = r"""
---
short_description: React to new entries of a Posit Connect server's audit log.
description:
  - An ansible-rulebook event source plugin that polls Posit Connect's audit log and puts every new entry on the
    queue once, in log order, as an event whose C(connect.server) is the server's URL and C(connect.audit) the
    entry.
  - It reads C(GET /v1/search/auditlogs) where the server has it (Connect 2025.01.0 and later) and
    C(GET /v1/audit_logs) otherwise, through the collection's client (retries with backoff, TLS options).
  - Each entry is Connect's audit entry (C(id), C(time), C(user_guid), C(user_description), C(action),
    C(event_description)) plus the names it refers to, where it names them, C(user_username) (the actor),
    C(target_username) and C(target_user_guid) (the user named in the description as C(user Full Name
    (username)), e.g. the user added; the guid only while that user exists and has that full name),
    and C(content_guid), C(content_name), C(content_title), C(content_access_type) and C(content_url) (the
    content item named in the description by its last C('Title' (name) [guid]) label or guid, as it is now;
    only the name and title parsed from the description once it is removed).
  - Event values hold text written by others (titles, names, descriptions). Ansible evaluates templates in the
    extra variables a playbook reads, so a rule passes its playbook only the entry's C(id) and C(time) (and
    C(content_guid), hexadecimal digits and dashes) and the playbook re-reads the entry with
    M(posit.connect.connect_audit_info); see docs/event-driven.md.
  - A server that cannot be reached, or fails, is logged and polled again at the next interval; the source
    never ends for it. Invalid arguments end it with a message naming the argument.
  - Reading the audit log requires an administrator's API key.
options:
  server:
    description:
      - URL of the Posit Connect server. Default is the environment variable E(CONNECT_SERVER).
    type: str
  api_key:
    description:
      - Connect API key (an administrator's). Default is the environment variable E(CONNECT_API_KEY). Never
        logged.
    type: str
  ca_path:
    description:
      - PEM CA bundle to verify the server's certificate. Default is E(CONNECT_CA_PATH).
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate. Default is E(CONNECT_VALIDATE_CERTS), else true.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for Connect to answer one request.
    type: float
    default: 30
  retries:
    description:
      - Retries of one request on a connection error or HTTP 429/502/503/504, with backoff, before the poll is
        given up until the next interval.
    type: int
    default: 5
  interval:
    description:
      - Seconds between two polls.
    type: float
    default: 60
  actions:
    description:
      - Only entries with one of these actions, for example V(add_user) or V(deploy_application)
        (case-insensitive), as O(posit.connect.connect_audit_info#module:action).
      - Where the server lists its actions (C(GET /v1/audit/actions)), an action it does not have ends the source
        at start, naming the closest actions it has; the source never waits on a name the server does not
        record.
    type: list
    elements: str
  users:
    description:
      - Only entries whose actor is one of these users (usernames or guids). An unknown username ends the source.
    type: list
    elements: str
  since:
    description:
      - Where to start on the first run, without a checkpoint. V(now) (the default) delivers only entries
        recorded after the newest entry at start-up; an RFC3339 time such as V(2025-01-31T12:00:00Z) or a
        relative time such as V(-1h) or V(-7d) also delivers the entries since then (inclusive).
    type: str
    default: now
  checkpoint:
    description:
      - A file holding the position of the last delivered entry (its time and the ids delivered at that time),
        written atomically after each delivered entry. On restart the source continues from it, so that no
        event is lost; O(since) is then ignored.
      - Delivery is at-least-once. An entry put on the queue just before the process dies, before its checkpoint
        is written, is delivered again after the restart (that one entry, once more); make the rule's playbook
        safe to run twice for one entry.
      - Its directory must exist and be writable (checked at start, before any event). A checkpoint of another
        server, or one whose position is not a time, ends the source; delete it to start again.
    type: str
"""

EXAMPLES = r"""
- name: New Connect users get the default group
  hosts: localhost
  sources:
    - posit.connect.audit_events:
        server: https://connect.example.com
        api_key: "{{ connect_api_key }}"
        actions: [add_user]
        interval: 60
        checkpoint: /var/lib/eda/connect-audit.checkpoint.json
  rules:
    - name: Add the new user to the default group
      condition: event.connect.audit.action == "add_user" and event.connect.audit.target_user_guid is defined
      action:
        run_playbook:
          name: posit.connect.eda_default_group
          extra_vars:  # only what Connect writes: the playbook re-reads the entry, never the event
            connect_default_group: Everyone
            connect_audit_id: "{{ event.connect.audit.id }}"
            connect_audit_time: "{{ event.connect.audit.time }}"
"""

logger = logging.getLogger(__name__)

CHECKPOINT_VERSION = 1
# How audit descriptions name things: "... user Alice Anders (alice) ..." (Connect's "Added user Full Name
# (username)"), "... 'Title' (name) [guid] ...". Names and titles are free text and may hold the same marks, so a
# user named there counts only once Connect's record of that username reads as that full name, and of several
# content labels the last one counts (a title comes before the label of its own item).
TARGET_USER_RE = re.compile(r"\buser\s+(?:[^()]*?\s)?\(([^()\s]+)\)", re.IGNORECASE)
USER_WORD_RE = re.compile(r"\buser\s", re.IGNORECASE)
USERNAME_RE = re.compile(r"\(([^()\s]+)\)")
MAX_USER_CANDIDATES = 10
CONTENT_LABEL_RE = re.compile(r"'(?P<title>[^']*)' \((?P<name>[^()\s]+)\) \[(?P<guid>[0-9a-fA-F-]{36})\]")
GUID_IN_TEXT_RE = re.compile(GUID_RE.pattern.strip("^$"))


def _list(args, name):
    value = args.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError("Argument '%s' must be a list of strings, got %r." % (name, value))
    return [v for v in value if v]


def _bool(value, name):
    """A boolean as Ansible reads one (check_type_bool: true/false, yes/no, on/off, 1/0 ...)."""
    try:
        return check_type_bool(value.strip() if isinstance(value, str) else value)
    except TypeError:
        raise ValueError("Argument '%s' must be true or false, got %r." % (name, value))


def _number(args, name, default, kind=float, low=0):
    value = args.get(name, default)
    try:
        value = (check_type_int if kind is int else check_type_float)(value)
    except TypeError:
        raise ValueError("Argument '%s' must be a number, got %r." % (name, args.get(name)))
    if value < low or (name == "interval" and value <= 0):
        bound = "more than" if name == "interval" else "at least"
        raise ValueError("Argument '%s' must be %s %s, got %r." % (name, bound, low, value))
    return value


class Options:
    """The source's arguments, checked before anything is sent."""

    def __init__(self, args):
        args = dict(args or {})
        env = os.environ
        self.server = args.get("server") or env.get("CONNECT_SERVER")
        self.api_key = args.get("api_key") or env.get("CONNECT_API_KEY")
        if not self.server:
            raise ValueError("Argument 'server' is required: set it to the Connect URL or export CONNECT_SERVER.")
        if not self.api_key:
            raise ValueError("Argument 'api_key' is required: set it or export CONNECT_API_KEY.")
        self.ca_path = args.get("ca_path") or env.get("CONNECT_CA_PATH")
        self.validate_certs = _bool(args.get("validate_certs", env.get("CONNECT_VALIDATE_CERTS", True)),
                                    "validate_certs")
        self.timeout = _number(args, "timeout", 30)
        self.retries = _number(args, "retries", 5, int)
        self.interval = _number(args, "interval", 60)
        self.actions = _list(args, "actions")
        self.users = _list(args, "users")
        since = args.get("since", "now")
        self.since = None if since in (None, "", "now") else parse_time(since, "since")
        self.checkpoint = os.path.abspath(os.path.expanduser(args["checkpoint"])) if args.get("checkpoint") else None
        if self.checkpoint:
            directory = os.path.dirname(self.checkpoint)
            if os.path.isdir(self.checkpoint) or not os.path.isdir(directory):
                raise ValueError("Argument 'checkpoint': %s must be a file in an existing directory." % self.checkpoint)
            try:  # the way save() writes: a temporary file beside it
                fd, probe = tempfile.mkstemp(prefix=".%s." % os.path.basename(self.checkpoint), suffix=".tmp",
                                             dir=directory)
                os.close(fd)
                os.unlink(probe)
            except OSError as exc:
                raise ValueError("Argument 'checkpoint': cannot write in %s (%s); choose a writable directory."
                                 % (directory, exc.strerror or exc))

    def client(self):
        return ConnectClient(self.server, self.api_key, validate_certs=self.validate_certs, ca_path=self.ca_path,
                             timeout=self.timeout, retries=self.retries, warn=logger.warning)


class AuditPoller:
    """Finds the audit entries not delivered yet, oldest first; remembers (and checkpoints) what was delivered.

    The position is the time of the last delivered entry and the ids delivered at that time: the next query
    asks for entries at or after that time (Connect's filters are inclusive) and drops those ids, so entries
    sharing a timestamp are delivered once each.
    """

    def __init__(self, client, options):
        self.client = client
        self.options = options
        self.server = str(options.server).rstrip("/")
        self.user_guids = None  # resolved at the first poll that reaches the server
        self.started = False  # the position is known
        self.cursor = AuditCursor()  # the last delivered entry's time, and the ids delivered at that time
        self._newest = None  # the newest entry at start-up, kept once read (a failed start-up resumes from it)
        state = self._read()
        if state is not None:
            self.cursor = AuditCursor(state.get("last_time"), state.get("last_ids"))
            self._started("the checkpoint")
        elif options.since is not None:
            self.cursor = AuditCursor(format_time(options.since))
            self._started("'since'")

    # -- checkpoint ------------------------------------------------------------

    def _read(self):
        path = self.options.checkpoint
        if not path or not os.path.exists(path):
            return None
        try:
            with open(path) as handle:
                state = json.load(handle)
            if not isinstance(state, dict) or state.get("version") != CHECKPOINT_VERSION:
                raise ValueError("unknown format")
            last_time, last_ids = state.get("last_time"), state.get("last_ids") or []
            if last_time is not None and parse_rfc3339(last_time) is None:  # else the whole log would be replayed
                raise ValueError("its last_time %r is not an RFC3339 time" % (last_time,))
            if not isinstance(last_ids, list) or not all(isinstance(i, str) for i in last_ids):
                raise ValueError("its last_ids is not a list of entry ids")
        except ValueError as exc:
            raise ValueError("Argument 'checkpoint': %s is not a checkpoint of this source (%s); delete it to start "
                             "again from 'since'." % (path, exc))
        if state.get("server") != self.client.api_root:
            raise ValueError("Argument 'checkpoint': %s was written for the server %s, not %s; use one checkpoint "
                             "per server." % (path, state.get("server"), self.client.api_root))
        return state

    def save(self):
        """Replace the checkpoint file atomically (files/export.py's write_beside: a private temporary file beside
        it, fsync, rename)."""
        path = self.options.checkpoint
        if not path:
            return
        state = dict(version=CHECKPOINT_VERSION, server=self.client.api_root, **self.cursor.state())
        write_beside(path, lambda out: out.write(json.dumps(state, sort_keys=True).encode("utf-8")))

    # -- polling -------------------------------------------------------------

    def _resolve_users(self):
        guids = []
        for user in self.options.users:
            found = find_user(self.client, user)
            if found is None:
                raise ValueError("Argument 'users': no Connect user with username or guid %r." % user)
            guids.append(str(found["guid"]).lower())
        return set(guids)

    def _check_actions(self):
        try:
            check_actions(self.client, self.options.actions, "actions",
                          listing="posit.connect.connect_audit_info and list_actions: true")
        except InputError as exc:
            raise ValueError("Argument 'actions': %s" % exc.reason)

    def _started(self, where):
        self.started = True
        logger.info("posit.connect.audit_events: reading %s from position %s (from %s)", self.server,
                    self.cursor.last_time or "the start of the log", where)

    def _start_now(self):
        """Position after the newest entry of the log, as the server sees it (no clock of ours involved).

        The newest entry is read once: if the second query fails, the next poll resumes from it, so entries
        recorded meanwhile are still delivered. Of the entries sharing its time, only those up to it (in log
        order) count as already there."""
        if self._newest is None:
            self._newest = list(iter_audit(self.client, AuditQuery(order="desc", limit=1))[1]) or [None]
        newest = self._newest[0]
        if newest is not None:
            moment = parse_rfc3339(newest.get("time"))
            same = iter_audit(self.client, AuditQuery(since=moment, order="asc"))[1]
            self.cursor = AuditCursor(newest.get("time"))
            for entry in same:
                if parse_rfc3339(entry.get("time")) != moment:
                    break
                self.cursor.last_ids.add(str(entry.get("id")))
                if str(entry.get("id")) == str(newest.get("id")):
                    break
        self.save()
        self._started("the newest entry")

    def poll(self):
        """The new entries (enriched), oldest first; nothing is marked delivered until delivered() is called."""
        if self.user_guids is None:
            self._check_actions()
            self.user_guids = self._resolve_users()
        if not self.started:
            self._start_now()
            return []
        since = self.cursor.since
        single = list(self.user_guids)[0] if len(self.user_guids) == 1 else None
        query = AuditQuery(actions=self.options.actions, user_guid=single, since=since, order="asc")
        entries = iter_audit(self.client, query)[1]
        new = []
        for entry in entries:
            if self.cursor.taken(entry):
                continue
            if self.user_guids and str(entry.get("user_guid") or "").lower() not in self.user_guids:
                continue
            new.append(entry)
        lookups = Lookups(self.client)
        return [lookups.enrich(entry) for entry in new]

    def delivered(self, entry):
        """Record one delivered entry (given in log order) and checkpoint it."""
        self.cursor.take(entry)
        self.save()

    def event(self, entry):
        return {"connect": {"server": self.server, "audit": entry}}


class Lookups:
    """The users and content items the entries of one poll name, each read once."""

    def __init__(self, client):
        self.client = client
        self.users, self.usernames, self.content = {}, {}, {}

    def _get(self, cache, key, path, params=None):
        if key not in cache:
            try:
                cache[key] = self.client.get(path, params=params)
            except ConnectError as exc:
                if exc.status not in (400, 403, 404):  # unknown, malformed or not visible: nothing to add
                    raise
                cache[key] = None
        return cache[key]

    def user(self, guid):
        return self._get(self.users, guid, "v1/users/%s" % guid) if is_guid(guid) else None

    def username(self, name):
        if name not in self.usernames:
            self.usernames[name] = find_user(self.client, name)
        return self.usernames[name]

    def target_user(self, text):
        """(username, Connect user or None) of the user a description names as "user Full Name (username)": the
        first "(username)" after "user" whose Connect user has that full name; else the first one in that form
        (not verified: no user)."""
        word = USER_WORD_RE.search(text)
        if word is None:
            return None, None
        for match in list(USERNAME_RE.finditer(text, word.end()))[:MAX_USER_CANDIDATES]:
            user = self.username(match.group(1))
            full = ("%s %s" % (user.get("first_name") or "", user.get("last_name") or "")).strip() if user else None
            if user and text[word.end():match.start()].strip() in (full, "", match.group(1)):
                return match.group(1), user
        loose = TARGET_USER_RE.search(text)
        return (loose.group(1), None) if loose else (None, None)

    def enrich(self, entry):
        entry = dict(entry)
        actor = self.user(entry.get("user_guid"))
        entry["user_username"] = actor.get("username") if actor else None
        text = str(entry.get("event_description") or "")
        username, found = self.target_user(text)
        if username is not None:
            entry["target_username"] = username
            if found and is_guid(found.get("guid")):
                entry["target_user_guid"] = found["guid"]
        labels = list(CONTENT_LABEL_RE.finditer(text))
        label = labels[-1] if labels else None
        guid = label.group("guid") if label else None
        if guid is None:
            matches = list(GUID_IN_TEXT_RE.finditer(text))
            guid = matches[-1].group(0) if matches else None
        if guid is not None and guid.lower() != str(entry.get("user_guid")).lower():
            item = self._get(self.content, guid, "v1/content/%s" % guid) or {}
            if item or label:
                entry.update(content_guid=guid.lower(),
                             content_name=item.get("name") or (label.group("name") if label else None),
                             content_title=item.get("title") or (label.group("title") if label else None),
                             content_access_type=item.get("access_type"), content_url=item.get("content_url"))
        return entry


async def main(queue, args):
    """Poll Connect's audit log every `interval` seconds; put each new entry on the queue once, in log order."""
    options = Options(args)
    client = options.client()
    try:
        poller = AuditPoller(client, options)
        failing = False
        while True:
            try:
                entries = await asyncio.to_thread(poller.poll)
            except ConnectError as exc:
                logger.warning("posit.connect.audit_events: polling %s failed, retrying in %gs: %s", poller.server,
                               options.interval, explain_forbidden(exc, "Reading audit logs"))
                failing = True
            else:
                if failing:
                    logger.info("posit.connect.audit_events: %s answers again", poller.server)
                    failing = False
                for entry in entries:
                    await queue.put(poller.event(entry))
                    poller.delivered(entry)
            await asyncio.sleep(options.interval)
    finally:
        client.session.close()


if __name__ == "__main__":
    # Run directly: print the events (CONNECT_SERVER and CONNECT_API_KEY from the environment).

    class MockQueue:
        async def put(self, event):
            print(json.dumps(event, sort_keys=True))  # noqa: T201

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(MockQueue(), {"interval": 5, "since": sys.argv[1] if len(sys.argv) > 1 else "-1h"}))
