# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The thin Ansible layer over the client: the shared argument specs and the one module wrapper.

Every module builds a ConnectModule and hands it one function; InputError and
ConnectError raised anywhere below become one fail_json here, and nowhere else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os
import stat
import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.posit.connect.plugins.module_utils.api.backoff import RATE_LIMIT_WAIT
from ansible_collections.posit.connect.plugins.module_utils.api.client import REQUESTS_IMPORT_ERROR, ConnectClient
from ansible_collections.posit.connect.plugins.module_utils.engine.engine import Engine
from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError, explain_forbidden
from ansible_collections.posit.connect.plugins.module_utils.files.export import check_dest, export_json_lines

MAX_CONCURRENCY = 64
VALIDATOR_CHECKS = ("mutually_exclusive", "required_together", "required_one_of", "required_if", "required_by")


def connect_argument_spec():
    """The connection options, documented once in the posit.connect.connect doc fragment."""
    return dict(
        # Required, but checked by ConnectModule: its message names the environment variables and the roles' variables.
        server=dict(type="str", fallback=(env_fallback, ["CONNECT_SERVER"])),
        api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["CONNECT_API_KEY"])),
        validate_certs=dict(type="bool", default=True,
                            fallback=(env_fallback, ["CONNECT_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(env_fallback, ["CONNECT_CA_PATH"])),
        timeout=dict(type="float", default=30),
        retries=dict(type="int", default=5),
        rate_limit_wait=dict(type="float", default=RATE_LIMIT_WAIT, fallback=(env_fallback, ["CONNECT_RATE_LIMIT_WAIT"])),
    )


# The required connection options: (option, environment variable, the roles' variable).
REQUIRED_CONNECTION = (("server", "CONNECT_SERVER", "connect_server"), ("api_key", "CONNECT_API_KEY", "connect_api_key"))


def missing_connection(params):
    """The message when 'server' or 'api_key' is not set anywhere (task, module_defaults, environment), else None."""
    missing = [row for row in REQUIRED_CONNECTION if not (params.get(row[0]) or "").strip()]
    if not missing:
        return None
    options = " and ".join("'%s'" % row[0] for row in missing)
    environment = " and ".join(row[1] for row in missing)
    variables = " and ".join(row[2] for row in missing)
    plural = len(missing) > 1
    return ("%s %s not set: set %s in the task (or in module_defaults for group/posit.connect.connect), or export %s; "
            "in the posit.connect roles, set the variable%s %s."
            % (options, "are" if plural else "is", options, environment, "s" if plural else "", variables))


def file_mode_spec():
    """The `mode` option of the modules that write files (the posit.connect.connect.file_mode doc fragment)."""
    return dict(mode=dict(type="raw", default="0600"))


def file_mode_error(mode):
    """The message for a `mode` that is neither octal nor symbolic, else None (checked before any request)."""
    if mode is None or isinstance(mode, int):
        return None
    try:
        value = int(str(mode), 8)
    except ValueError:
        try:
            value = AnsibleModule._symbolic_mode_to_octal(os.stat("."), str(mode))
        except Exception:
            value = None
    if value is None or value != stat.S_IMODE(value):
        return ("Option 'mode' must be an octal mode such as '0600' or a symbolic one such as 'u=rw,g=r', got %r."
                % str(mode))
    return None


def listing_spec():
    """The `fields`, `dest` and `mode` options of the listing info modules (the posit.connect.connect.listing and
    posit.connect.connect.file_mode doc fragments); ConnectModule.run_listing applies them."""
    return dict(fields=dict(type="list", elements="str"), dest=dict(type="path"), **file_mode_spec())


def only_fields(items, fields):
    """Each item with only the top-level keys named in `fields`, in that order; a key an item lacks is left out
    (Connect did not send it), so an unknown name is no error. Every item whole when `fields` is None."""
    if fields is None:
        return iter(items)
    return (dict((key, item[key]) for key in fields if key in item) for item in items)


def concurrency_spec(default=8):
    """The `concurrency` option of the batch forms (checked by ConnectModule: 1 to MAX_CONCURRENCY)."""
    return dict(concurrency=dict(type="int", default=default))


def batch_form(item_options, keys, top_level=None, concurrency=8):
    """The ConnectModule arguments of a write module with a single and a batch form.

    `item_options` are the options of one object, given at the top level and in each entry of `items`,
    where they have no defaults (an item's unset option takes the top-level value). `top_level` adds
    options, or replaces them with their top-level form (with a default). The single form selects its
    object by one of `keys`, and so does each item; `items` excludes the single form's keys. With no keys
    (keys=()), every option may also be set at the top level for all items, and the caller says which
    options the single form requires (required_one_of).
    Callers may extend the returned lists (another selector, more exclusions).
    """
    spec = dict(item_options, **(top_level or {}))
    items = dict(type="list", elements="dict", options=copy.deepcopy(item_options))
    if keys:
        items["required_one_of"] = [list(keys)]
    spec.update(items=items, **concurrency_spec(concurrency))
    return dict(argument_spec=spec, required_one_of=[list(keys) + ["items"]],
                mutually_exclusive=[["items", key] for key in keys])


def validated(form, params):
    """`params` checked by Ansible's ArgumentSpecValidator against a module's arguments (as batch_form returns
    them), with that module's defaults filled in; InputError names what is wrong."""
    checks = dict((key, value) for key, value in form.items() if key in VALIDATOR_CHECKS)
    result = ArgumentSpecValidator(form["argument_spec"], **checks).validate(params)
    if result.error_messages:
        raise InputError("; ".join(result.error_messages))
    return result.validated_parameters


class ConnectModule:
    """Wraps AnsibleModule: merges the connection spec, builds the client, maps errors."""

    def __init__(self, argument_spec, supports_check_mode=True, pool_size=16, libraries=None, **kwargs):
        """`libraries` maps the names of further Python libraries the module needs to their import error."""
        spec = connect_argument_spec()
        spec.update(argument_spec)
        self.ansible = AnsibleModule(argument_spec=spec, supports_check_mode=supports_check_mode,
                                     **kwargs)
        self.params = self.ansible.params
        self.check_mode = self.ansible.check_mode
        self.diff_mode = self.ansible._diff
        for library, error in dict(requests=REQUESTS_IMPORT_ERROR, **(libraries or {})).items():
            if error is not None:
                self.ansible.fail_json(msg=missing_required_lib(library),
                                       exception="".join(traceback.format_exception_only(type(error), error)))
        missing = missing_connection(self.params)
        if missing:
            self.ansible.fail_json(msg=missing)
        for name in ("timeout", "retries", "rate_limit_wait"):
            if self.params[name] is not None and self.params[name] < 0:
                self.ansible.fail_json(msg="Option '%s' must be 0 or more, got %s."
                                       % (name, self.params[name]))
        mode_error = file_mode_error(self.params.get("mode"))
        if mode_error:
            self.ansible.fail_json(msg=mode_error)
        concurrency = self.params.get("concurrency")
        if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
            self.ansible.fail_json(msg="Option 'concurrency' must be between 1 and %d, got %s."
                                   % (MAX_CONCURRENCY, concurrency))
        if not self.params["validate_certs"] and not self.params["ca_path"]:
            self.ansible.warn("validate_certs is false: the Connect server's TLS certificate is "
                              "not checked. Prefer 'ca_path' pointing at its CA bundle.")
        try:
            self.client = ConnectClient(
                server=self.params["server"], api_key=self.params["api_key"],
                validate_certs=self.params["validate_certs"], ca_path=self.params["ca_path"],
                timeout=self.params["timeout"], retries=self.params["retries"],
                rate_limit_wait=self.params["rate_limit_wait"], pool_size=max(pool_size, concurrency or 0),
                warn=self.ansible.warn,
                log=self.ansible.warn if self.ansible._verbosity >= 1 else None)  # one line per retry at -v
        except (InputError, ConnectError) as exc:
            self.client = None
            self.fail(exc)

    def set_file_mode(self, path, changed):
        """Give a file the module wrote the mode of its `mode` option (Ansible's own handling); whether it changed."""
        if path and os.path.exists(path):
            return self.ansible.set_mode_if_different(path, self.params["mode"], changed)
        return changed

    def _warn_retries(self):
        """One warning per task for all its retries ("37 requests were retried after HTTP 503; all succeeded")."""
        summary = self.client.retry_summary() if getattr(self, "client", None) is not None else None
        if summary:
            self.ansible.warn(summary)

    def fail(self, error, **result):
        """Fail the task with the error's one-line message and its details."""
        details = error.to_dict() if isinstance(error, (ConnectError, InputError)) else {}
        details.pop("msg", None)
        result["msg"] = str(error)
        if details:
            result["error"] = details
        self._warn_retries()
        self.ansible.fail_json(**result)

    def run(self, func, forbidden=None):
        """Call func(self) -> result dict and exit with it; a result with failed=True fails the task.

        InputError and ConnectError fail the task with their message (and the
        details of a Connect error); an error may carry `result` to return too.
        `forbidden` names an operation that needs a more privileged key, as
        (operation, key needed): an HTTP 403 then says so (errors.explain_forbidden).
        """
        try:
            result = func(self)
        except (InputError, ConnectError) as exc:
            if forbidden:
                exc = explain_forbidden(exc, *forbidden)
            self.fail(exc, **getattr(exc, "result", {}))
        self._warn_retries()
        if result.pop("failed", False):
            self.ansible.fail_json(**result)
        self.ansible.exit_json(**result)

    def run_listing(self, func, key, forbidden=None):
        """run(func) for a listing info module, whose result lists its items under `key`.

        `fields` keeps only the keys asked for in each item (only_fields). `dest` writes the items to a JSON Lines
        file instead of the result, which then holds dest, count, checksum and whether the file changed (check mode
        writes nothing and predicts); dest is checked before any request.
        """
        fields, dest = self.params["fields"], self.params["dest"]

        def listing(module):
            if fields is not None and not fields:
                raise InputError("Option 'fields' names no field; name the keys to return, such as [guid, name], "
                                 "or leave it out to return every field.")
            if dest:
                check_dest(dest, example=key + ".jsonl")
            result = func(module)
            items = only_fields(result.pop(key), fields)
            if not dest:
                result[key] = list(items)
                return result
            result.update(export_json_lines(dest, items, self.check_mode))
            result["changed"] = self.set_file_mode(result["dest"], result["changed"])
            return result

        self.run(listing, forbidden)

    def reconcile(self, resource_class, batch=None, params=None):
        """Run the reconcile engine over this task and return the module result.

        The batch form when `items` is given (or `batch` says so, for selectors
        such as owned_by); the single form otherwise. `params` reconciles the
        resource with these options instead of the task's (a module that runs
        several resources): they are validated against the resource's own
        module's spec (Resource.argument_form), whose defaults they get; bad
        ones raise InputError.
        """
        params = self.params if params is None else validated(resource_class.argument_form(), params)
        specs = params.get("items")
        batch = specs is not None if batch is None else batch
        engine = Engine(self.client, check_mode=self.check_mode, diff_mode=self.diff_mode,
                        concurrency=params.get("concurrency") or 8, warn=self.ansible.warn)
        resource, items = engine.run(resource_class, params, (specs or []) if batch else None)
        if not batch:
            return engine.single_result(resource, items[0])
        result = engine.batch_result(resource, items)
        result.update(resource.batch_extras(items))
        return result
