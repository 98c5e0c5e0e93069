# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Operations on selected content items: render (connect_content_render), restart (connect_content_restart) and
build (connect_content_build).

The items come from the shared selection (concepts/selection.py); each item is one engine Item, checked before any
request is written (a wrong kind fails that item, naming the module that does what the user wants), then acted on
concurrently over the shared client (Engine.each), and reported with the engine's batch result: a status, a
message and, beside the item's guid, name and title, what the operation did (its task, or the restart's jobs).
Check mode writes nothing and says what each item would get.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.selection import select
from ansible_collections.posit.connect.plugins.module_utils.engine.engine import Engine, Item, _guarded
from ansible_collections.posit.connect.plugins.module_utils.concepts.tasks import SHOWN_LINES, follow_task, task_summary

# App modes (the content document's app_mode enum): rendered documents, and content that runs a process.
RENDERED = ("rmd-static", "quarto-static", "jupyter-static")
INTERACTIVE = ("shiny", "rmd-shiny", "quarto-shiny", "api", "python-api", "python-fastapi", "python-dash",
               "python-streamlit", "python-bokeh", "python-panel", "python-shiny", "python-gradio",
               "tensorflow-saved-model", "jupyter-voila")
RESTART_VARIABLE = "_CONNECT_RESTART_TMP_%d"   # Posit's SDK's name for the temporary variable
VIEWING_ROLES = ("owner", "editor", "viewer")  # app_role values of a user who may view the item itself
EDITING_ROLES = ("owner", "editor")
JOB_POLL = 1.0                                 # seconds between two reads of an item's jobs after a restart


def label(content):
    return "%s (%s)" % (content.get("guid"), content.get("title") or content.get("name") or "untitled")


def operation_spec():
    """The options every operation module has besides the selection: wait and wait_timeout."""
    return dict(wait=dict(type="bool", default=True), wait_timeout=dict(type="int", default=600))


class Operation:
    """One operation over selected items. Subclasses set verb/done (for messages) and implement plan and apply.

    plan(item) raises InputError for an item the operation does not suit (before any write); apply(item) acts on
    one item (concurrently with the others) and records what it did in self.outcome(item).
    """

    kind = "content item"
    noun = "content items"
    verb = None          # "render": "would render"
    done = None          # "rendered": the item's status after the operation

    def __init__(self, engine, params):
        self.engine = engine
        self.client = engine.client
        self.params = params
        self._outcomes = {}

    def outcome(self, item):
        """What the operation did to an item (its task, jobs ...), returned beside its identity."""
        return self._outcomes.setdefault(item.index, {})

    def check(self):
        """Option values checked before any request."""
        if self.params.get("wait_timeout") is not None and self.params["wait_timeout"] < 0:
            raise InputError("Option 'wait_timeout' must be 0 or more, got %s." % self.params["wait_timeout"])

    def prepare_all(self, items):
        """Reads that concern every item, before the plan (none by default)."""

    def plan(self, item):
        raise NotImplementedError

    def apply(self, item):
        raise NotImplementedError

    # -- what the engine's batch result asks of a resource ---------------------------------
    def identity(self, item):
        content = item.current or {}
        entry = dict(guid=content.get("guid"), name=content.get("name"), title=content.get("title"),
                     app_mode=content.get("app_mode"))
        entry.update(self.outcome(item))
        return entry

    def header(self, item):
        return "content %r (%s)" % ((item.current or {}).get("name"), (item.current or {}).get("guid"))

    # -- shared parts ---------------------------------------------------------------------
    def follow(self, item, task_id, what):
        """Follow a task within wait_timeout; record it; raise for a task that failed or did not finish."""
        outcome = self.outcome(item)
        outcome.update(task=task_summary(None, task_id), output=[])
        if not self.params.get("wait", True):
            return
        task, output = follow_task(self.client, task_id, self.params.get("wait_timeout") or 0)
        outcome["task"] = task_summary(task, task_id)
        path = "/__api__/v1/tasks/%s" % task_id
        tail = output[-SHOWN_LINES:]
        if not task.get("finished"):
            outcome["output"] = tail
            raise _Changed("The %s of %s did not finish within wait_timeout (%ss); task %s is still running (raise "
                           "wait_timeout, or follow it with posit.connect.connect_task_info). Last output: %s"
                           % (what, label(item.current), self.params.get("wait_timeout"), task_id, " | ".join(tail)),
                           method="GET", path=path, status=200)
        if task.get("code"):
            outcome["output"] = tail
            raise _Changed("The %s of %s failed (task %s, code %s): %s. Last output: %s"
                           % (what, label(item.current), task_id, task.get("code"), task.get("error") or "",
                              " | ".join(tail)), method="GET", path=path, status=200)


class _Changed(ConnectError):
    """A failure after the write (the task started, then failed or ran on): the item changed."""

    changed = True


def run_operation(module, operation_class):
    """The result of an operation module: select, check every item, act on each concurrently, report."""
    params = module.params
    engine = Engine(module.client, check_mode=module.check_mode, diff_mode=module.diff_mode,
                    concurrency=params.get("concurrency") or 8, warn=module.ansible.warn)
    operation = operation_class(engine, params)
    operation.check()
    items = []
    for index, content in enumerate(select(module.client, params)):
        item = Item(index, dict(guid=content.get("guid")))
        item.current = content
        items.append(item)
    operation.prepare_all(items)
    for item in items:
        _guarded(lambda one: _plan(engine, operation, one), item, on_error=item.fail)
    if not engine.check_mode:
        engine.each(lambda one: _apply(operation, one), [item for item in items if item.changed])
    result = engine.batch_result(operation, items)
    result["changed_items"] = [dict(guid=entry["guid"], name=entry["name"]) for entry in result["results"]
                               if entry["changed"]]
    return result


def _plan(engine, operation, item):
    operation.plan(item)
    item.status, item.changed = operation.done, True
    item.msg = "would %s" % operation.verb if engine.check_mode else operation.done
    item.before, item.after = {}, {operation.verb: True}


def _apply(operation, item):
    try:
        operation.apply(item)
    except ConnectError as exc:
        item.fail(exc, changed=getattr(exc, "changed", False))


# ---------------------------------------------------------------------------- the operations
class Render(Operation):
    verb, done = "render", "rendered"

    def plan(self, item):
        content = item.current
        mode = content.get("app_mode")
        if mode in INTERACTIVE:
            raise InputError("%s is interactive content (%s), which is not rendered: restart it with "
                             "posit.connect.connect_content_restart." % (label(content), mode))
        if mode not in RENDERED:
            raise InputError("%s (app mode %s) is not rendered content (a report, document or notebook); nothing "
                             "to render." % (label(content), mode))
        if not content.get("bundle_id"):
            raise InputError("%s has no active bundle to render: deploy it first with posit.connect.connect_deploy."
                             % label(content))

    def apply(self, item):
        answer = self.client.post("v1/content/%s/render" % item.current["guid"], body={}) or {}
        self.follow(item, answer.get("task_id"), "render")


class Build(Operation):
    verb, done = "build", "built"

    def plan(self, item):
        if not item.current.get("bundle_id"):
            raise InputError("%s has no active bundle to build: deploy one with posit.connect.connect_deploy."
                             % label(item.current))
        self.outcome(item)["bundle_id"] = item.current["bundle_id"]

    def apply(self, item):
        content = item.current
        answer = self.client.post("v1/content/%s/build" % content["guid"], body={"bundle_id": content["bundle_id"]}) or {}
        self.follow(item, answer.get("task_id"), "build")


class Restart(Operation):
    """Connect's API has no restart: as Posit's SDK does, set and remove a temporary environment variable (which
    ends the item's running processes), then request the content's URL as the API key's user (which starts a new
    one); the restart is confirmed from the item's jobs."""

    verb, done = "restart", "restarted"

    def plan(self, item):
        content = item.current
        mode = content.get("app_mode")
        if mode in RENDERED:
            raise InputError("%s is rendered content (%s), which runs no process: render it with "
                             "posit.connect.connect_content_render." % (label(content), mode))
        if mode not in INTERACTIVE:
            raise InputError("%s (app mode %s) is not interactive content (an app or an API); nothing to restart."
                             % (label(content), mode))
        if not content.get("bundle_id"):
            raise InputError("%s has no active bundle, so nothing runs: deploy it first with "
                             "posit.connect.connect_deploy." % label(content))
        role = content.get("app_role")  # the API key's user's relation to the item; read with a fallback
        if role is not None and role not in VIEWING_ROLES:
            raise InputError("The API key's user may not view %s (app_role %r), so its visit cannot start the new "
                             "process: nothing was changed. Add that user as a viewer or collaborator of the item "
                             "(posit.connect.connect_content_permission), or restart it with the owner's key."
                             % (label(content), role))
        if role is not None and role not in EDITING_ROLES:
            raise InputError("The API key's user may view %s but not change its environment (app_role %r), which "
                             "a restart does: nothing was changed. Use a key of its owner, a collaborator or an "
                             "administrator." % (label(content), role))

    def running(self, guid):
        """The keys of the item's running jobs (a job without an end time)."""
        jobs = self.client.get("v1/content/%s/jobs" % guid) or []
        return set(job.get("key") for job in jobs if isinstance(job, dict) and not job.get("end_time"))

    def apply(self, item):
        content = item.current
        guid = content["guid"]
        outcome = self.outcome(item)
        before = self.running(guid)
        name = RESTART_VARIABLE % int(time.time())
        path = "v1/content/%s/environment" % guid
        self.client.patch(path, body=[dict(name=name, value=str(int(time.time())))])
        try:
            self.client.patch(path, body=[dict(name=name, value=None)])
        except ConnectError as exc:
            raise _Changed("%s: its processes were ended, but removing the temporary environment variable %s "
                           "failed (%s); remove it with posit.connect.connect_content (environment)."
                           % (label(content), name, exc.message), method=exc.method, path=exc.path,
                           status=exc.status)
        status = self.client.visit("content/%s/" % guid)
        outcome.update(ended=sorted(before), visit_status=status, job=None)
        if status >= 400:
            raise _Changed("%s: its processes were ended, but the visit of its URL as the API key's user was "
                           "answered HTTP %s; a new process starts on the next visit." % (label(content), status),
                           method="GET", path="/content/%s/" % guid, status=status)
        if not self.params.get("wait", True):
            return
        deadline = time.monotonic() + (self.params.get("wait_timeout") or 0)
        while True:
            started = self.running(guid) - before
            if started:
                outcome["job"] = sorted(started)[0]
                return
            if time.monotonic() >= deadline:
                raise _Changed("%s: its processes were ended and its URL visited, but no new process was seen in "
                               "its jobs within wait_timeout (%ss); a new process starts on the next visit."
                               % (label(content), self.params.get("wait_timeout")),
                               method="GET", path="/__api__/v1/content/%s/jobs" % guid, status=200)
            time.sleep(min(JOB_POLL, max(0.0, deadline - time.monotonic())))
