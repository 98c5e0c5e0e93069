# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connect's tasks (GET /v1/tasks/{id}): following one until it finishes, its summary, and connect_task_info.

A deployment (resources/deploy.py), and any later operation that starts a task, follows it here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError

SHOWN_LINES = 10     # the lines of output a failed task's message quotes
MAX_WAIT = 10        # seconds one GET /v1/tasks/{id}?wait= may hold


def follow_task(client, task_id, timeout, first=0):
    """GET /v1/tasks/{id} with first and wait until the task finishes or timeout seconds pass.

    Returns (task, output lines from `first`); the task's own output holds only the last page.
    """
    deadline = time.monotonic() + max(0.0, timeout)
    output = []
    while True:
        remaining = deadline - time.monotonic()
        wait = int(max(0, min(remaining, MAX_WAIT, client.timeout - 1)))
        task = client.get("v1/tasks/%s" % task_id, params={"first": first, "wait": wait}) or {}
        output.extend(task.get("output") or [])
        first = task.get("last", first + len(task.get("output") or []))
        if task.get("finished") or time.monotonic() >= deadline:
            return task, output
        if wait == 0:
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))


def task_summary(task, task_id=None):
    """What a result shows of a task: id, finished, code, error, last."""
    task = task or {}
    return dict(id=task.get("id") or task_id, finished=bool(task.get("finished")), code=task.get("code"),
                error=task.get("error") or "", last=task.get("last"))


def task_info(client, params):
    """connect_task_info: one task's state and output from `first`, followed for up to `wait` seconds."""
    for option in ("first", "wait"):
        if params[option] < 0:
            raise InputError("Option '%s' must be 0 or more, got %s." % (option, params[option]))
    task, output = follow_task(client, params["id"], params["wait"], params["first"])
    result = dict(changed=False, task=task_summary(task, params["id"]), output=output)
    if params["fail_on_error"] and task.get("finished") and task.get("code"):
        result.update(failed=True, msg="Task %s failed (code %s): %s. Last output: %s" % (
            params["id"], task.get("code"), task.get("error"), " | ".join(output[-SHOWN_LINES:])))
    return result
