"""Test-only callback: writes every task's result, keyed by task name, to $CAPTURE_RESULTS_FILE."""

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: capture
type: aggregate
short_description: write task results to a JSON file for tests
description: Records each task's result (by task name) for the integration tests.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "capture"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.results = {}

    def _record(self, result, status):
        data = dict(result._result)
        data["_status"] = status
        data["_action"] = result._task.resolved_action or result._task.action  # the module or action plugin it ran
        self.results[result._task.get_name()] = data
        self._write()

    def _write(self):
        path = os.environ.get("CAPTURE_RESULTS_FILE")
        if path:
            with open(path, "w") as handle:
                json.dump(self.results, handle, default=str)

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")
