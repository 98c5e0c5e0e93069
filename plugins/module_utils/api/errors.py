# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's two error types.

ConnectError: a request to Connect failed (method, path, status, Connect's error code).
InputError: the user's input is wrong, found before the request that it would break.
The module layer (module_utils/engine/module.py) turns either into one fail_json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.posit.connect.plugins.module_utils.api.error_codes import ERROR_CODES

OPTION_RE = re.compile(r"^Option '([^']+)'(?::)? (.+)$", re.S)  # "Option 'X': reason" or "Option 'X' must ..."


class ConnectError(Exception):
    """One failure talking to Connect, with everything needed for one clear line."""

    def __init__(self, message, method=None, path=None, status=None, code=None, payload=None):
        super(ConnectError, self).__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.code_name = ERROR_CODES.get(code) if code is not None else None
        self.payload = payload

    def __str__(self):
        return self.message

    def to_dict(self):
        return dict((k, v) for k, v in (
            ("msg", self.message), ("method", self.method), ("path", self.path),
            ("status", self.status), ("code", self.code), ("code_name", self.code_name),
        ) if v is not None)


class InputError(ValueError):
    """Bad input: the message names the option and the fix. Raised before any write.

    A message of the form "Option 'NAME': REASON" also gives `option` and `reason`,
    which the task's result carries as error.option and error.reason (roles name
    their own variable from them).
    """

    def __init__(self, message):
        super(InputError, self).__init__(message)
        self.message = message
        match = OPTION_RE.match(message)
        self.option, self.reason = match.groups() if match else (None, message)

    def to_dict(self):
        return dict(option=self.option, reason=self.reason) if self.option else {}


def explain_forbidden(exc, operation, needed="an administrator's API key"):
    """The one message for HTTP 403 on an operation that needs a more privileged key (audit logs, ...).

    Any other error is returned as it is."""
    if not isinstance(exc, ConnectError) or exc.status != 403:
        return exc
    return ConnectError(
        "%s requires %s: the API key given belongs to a user who may not do this (%s %s: HTTP 403%s). "
        "Set 'api_key' (or CONNECT_API_KEY) to %s."
        % (operation, needed, exc.method, exc.path, ", Connect error %s %s" % (exc.code, exc.code_name)
           if exc.code is not None else "", needed),
        method=exc.method, path=exc.path, status=exc.status, code=exc.code, payload=exc.payload)
