# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_content_spec: the content_as_code role's plan or apply of a spec, on the controller.

The spec file is read once, with Ansible's YAML loader as include_vars reads a vars file (a vault-encrypted file,
`!vault` values and `{{ vault_... }}` templates work; text tagged !unsafe stays literal), but one item at a time,
without include_vars' deep copy, and without making its 10,000 items a variable that every later reference templates
again. Its items go
to connect_oauth_integration, connect_execution_environment and connect_content as those modules' arguments, and
what comes back is reduced to what the role reports: the drift rows (cac_drift), the counts and the failed items.

With `export`, the other way: the server's content read by one connect_content_info run (its ACL entries named by it),
made a spec by the role's export filters (cac_export, cac_spec_yaml) and written to the spec file here, on the
controller, where the plan reads it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat
import tempfile

import yaml
from yaml.composer import Composer

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_text
from ansible.parsing.vault import EncryptedString
from ansible.parsing.yaml.loader import AnsibleLoader
from ansible.template import trust_as_template
from ansible.plugins.action import ActionBase

from ansible_collections.posit.connect.plugins.filter.content_as_code import (
    EXPORT_FIELDS,
    cac_content_items,
    cac_drift,
    cac_export,
    cac_export_environments,
    cac_export_integrations,
    cac_problems,
    cac_spec_yaml,
)
from ansible_collections.posit.connect.plugins.module_utils.engine.module import file_mode_error
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.files.export import check_dest, write_beside

CONNECTION = ("server", "api_key", "validate_certs", "ca_path")
# What the role reads of each module's run (the rest, one entry per item, becomes the drift rows).
SUMMARY = ("changed", "failed", "msg", "changed_count", "failed_count", "failed_items", "matched")
# What the prune and the schedules' drift read of each spec item.
SELECTION = ("guid", "name", "owner", "schedules")
# What the export reads of each item (connect_content_info; its ACL entries carry principal_name).
EXPORT_INCLUDE = ["owner", "tags", "permissions", "vanity_url", "environment", "schedule", "oauth_integrations"]
# The options (the doc stub, modules/connect_content_spec.py), checked by Ansible's argument spec validation in an
# export.
ARGUMENT_SPEC = dict(
    export=dict(type="bool", default=False), spec_file=dict(type="str"), spec=dict(type="raw"),
    purge=dict(type="bool"), prune=dict(type="bool"), concurrency=dict(type="int"), owner=dict(type="str"),
    name=dict(type="str"), tags=dict(type="list", elements="str"), runtimes=dict(type="bool", default=False),
    mode=dict(type="raw", default="0600"), server=dict(type="str"), api_key=dict(type="str", no_log=True),
    validate_certs=dict(type="bool"), ca_path=dict(type="str"))
OAUTH_SINCE = [2024, 8, 0]  # OAuth integrations exist from this release


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        if "export" in args:
            args = self.validate_argument_spec(ARGUMENT_SPEC)[1]
            if args["export"]:
                return self._export(result, args, task_vars)
        spec_file = args.get("spec_file") or ""
        if spec_file:
            source = "spec file %s" % spec_file
            try:
                spec = self._read(spec_file)
            except (AnsibleError, yaml.YAMLError) as error:
                first = to_text(error.message if hasattr(error, "message") else error).split("\n")[0]
                return dict(result, problems=["could not read the spec file %s: %s" % (spec_file, first)],
                            **_empty())
            problems = cac_problems(spec, source)
        else:
            spec = args.get("spec") or []
            problems = cac_problems(spec, "connect_cac_spec")
        if problems:
            return dict(result, problems=problems, **_empty())
        if spec_file:
            # Template what may be a template (trusted text of the file), with the play's variables: `{{ vault_... }}`.
            spec = self._template(spec)
            items, environments, integrations = (spec["items"] or [], spec.get("environments") or [],
                                                 spec.get("integrations") or [])
        else:
            items, environments, integrations = spec, [], []

        common = dict((key, args[key]) for key in CONNECTION if args.get(key) is not None)
        concurrency = args.get("concurrency")
        if concurrency is not None:
            common["concurrency"] = concurrency
        purge = bool(args.get("purge"))
        runs, rows, diffs, warnings = {}, [], [], []
        for kind, module, module_args, entries in (
                ("integrations", "connect_oauth_integration", dict(update_config="on_create"), integrations),
                ("environments", "connect_execution_environment", {}, environments),
                ("content", "connect_content",
                 dict(purge_tags=purge, purge_environment=purge, purge_permissions=purge,
                      purge_oauth_integrations=purge), items)):
            if not entries and kind != "content":  # connect_content runs even for `items: []`, as a batch of none
                runs[kind] = {}
                continue
            sent = cac_content_items(entries) if kind == "content" else entries
            answer = self._execute_module(module_name="posit.connect." + module,
                                          module_args=dict(common, items=sent, **module_args), task_vars=task_vars)
            warnings.extend(answer.get("warnings") or [])
            runs[kind] = dict((key, answer[key]) for key in SUMMARY if key in answer)
            runs[kind]["ran"] = "results" in answer
            runs[kind]["created"] = sum(1 for entry in answer.get("results") or [] if entry.get("status") == "created")
            rows.extend(cac_drift(answer.get("results") or [], entries))
            diff = answer.get("diff")
            if diff:
                diffs.extend(diff if isinstance(diff, list) else [diff])
            result["changed"] = result.get("changed", False) or bool(answer.get("changed"))
        if diffs:
            result["diff"] = diffs
        if warnings:
            result["warnings"] = warnings
        schedules = any("schedules" in item for item in items)
        # The items as the prune and the schedules' drift select them; only when one of them runs.
        selections = [dict((key, item[key]) for key in SELECTION if key in item) for item in items] \
            if schedules or args.get("prune") else []
        return dict(result, problems=[], rows=rows, runs=runs, total=len(items), environments=len(environments),
                    integrations=len(integrations), selections=selections, schedules=schedules)

    def _export(self, result, args, task_vars):
        """Read the server's content (connect_content_info, one module run; with `runtimes` also the server's
        version, images and OAuth integrations), make it a spec and write it to `spec_file` on the controller, with
        `mode`: `changed` when its text or mode differs; in check mode nothing is written."""
        spec_file, mode = args["spec_file"] or "", args["mode"]
        path = self._loader.path_dwim(spec_file) if spec_file else ""
        message = file_mode_error(mode)
        try:
            if not spec_file:
                raise InputError("Option 'spec_file': give the file to write the spec to.")
            check_dest(path, "spec_file", "content.yml")
        except InputError as error:
            message = error.message
        if message:
            return dict(result, failed=True, msg=message)
        common = dict((key, args[key]) for key in CONNECTION if args.get(key) is not None)
        warnings = []

        def run(module, **module_args):
            answer = self._execute_module(module_name="posit.connect." + module,
                                          module_args=dict(common, **module_args), task_vars=task_vars)
            warnings.extend(answer.get("warnings") or [])
            if answer.get("failed"):
                raise _Failed(answer.get("msg"))
            return answer

        environments = integrations = None
        try:
            if args["runtimes"]:
                version = run("connect_server_info")["server"].get("version_info") or []
            found = dict((key, args[key]) for key in ("owner", "name", "concurrency") if args.get(key) is not None)
            content = self._content(run, found)
            if args["runtimes"]:
                environments = cac_export_environments(run("connect_execution_environment_info")["environments"])
                integrations = cac_export_integrations(run("connect_oauth_integration_info")["integrations"]
                                                       if not version or version >= OAUTH_SINCE else [])
        except _Failed as failed:
            return dict(result, failed=True, msg=failed.msg, **(dict(warnings=warnings) if warnings else {}))
        if warnings:
            result["warnings"] = warnings
        items = cac_export(content, tags=args["tags"])
        text = cac_spec_yaml(items, environments, integrations)
        before = _text_of(path) if self._task.diff else None
        changed = self._write(path, text, mode)
        if changed and before is not None:
            result["diff"] = dict(before_header=path, before=before, after_header=path, after=text)
        return dict(result, changed=changed, spec_file=path, total=len(items),
                    environments=len(environments or []), integrations=len(integrations or []),
                    unwritten=[entry for item in items for entry in item.get("unwritten") or []])

    def _content(self, run, found):
        """connect_content_info's items (EXPORT_FIELDS of each), one at a time. The module writes them to a JSON Lines
        file in the task's temporary directory on the host that runs it, that file is fetched to the controller's
        temporary directory and read line by line: the items of a large server never travel as one module result,
        which the worker would hold whole, parsed (10,000 items with their ACLs are 16 MB of JSON). In check mode,
        where the module writes no file, and with become, where another user writes it, they come in the result."""
        args = dict(include=EXPORT_INCLUDE, fields=EXPORT_FIELDS, **found)
        if self._task.check_mode or self._play_context.become:
            return run("connect_content_info", **args)["content"]
        shell = self._connection._shell
        # In the task's temporary directory on that host, which Ansible removes with the task (the file with it).
        remote = shell.join_path(shell.tmpdir or self._make_tmp_path(), "content.jsonl")
        run("connect_content_info", dest=remote, mode="0600", **args)
        handle, local = tempfile.mkstemp(suffix=".jsonl", dir=C.DEFAULT_LOCAL_TMP)
        os.close(handle)
        try:
            self._connection.fetch_file(remote, local)
        except BaseException:
            os.unlink(local)
            raise
        return _json_lines(local)

    def _write(self, path, text, mode):
        """Whether the spec file at `path` differs from `text`, or has another mode than `mode`; unless in check
        mode, write it (beside, then renamed over it: a symbolic link there is replaced, never followed) and give it
        that mode."""
        data = text.encode("utf-8")
        same = _text_of(path, raw=True) == data
        if same and stat.S_IMODE(os.stat(path).st_mode) == _octal(mode, path):
            return False
        if not self._task.check_mode:
            if not same:
                write_beside(path, lambda handle: handle.write(data))
            os.chmod(path, _octal(mode, path))
        return True

    def _read(self, path):
        """The spec file's data, read as a vars file is (Ansible's loader: a vault-encrypted file, `!vault` values,
        text trusted as a template unless tagged !unsafe), one top-level entry and one item of `items:` at a time:
        PyYAML composes a whole document into nodes before it builds any value, and Ansible's loader tags every
        value with where it was read; at 10,000 items the two took 110 MiB for a 1.2 MiB file. Each entry is built
        from its own nodes, and its text that cannot be a template is kept as plain text."""
        loader = _SpecLoader(trust_as_template(self._loader.get_text_file_contents(self._loader.path_dwim(path))))
        loader.anchors = {}  # an alias may name an anchor of an earlier item
        try:
            loader.get_event()  # the stream's start
            if loader.check_event(yaml.StreamEndEvent):
                return None  # an empty file
            loader.get_event()  # the document's start
            if not loader.check_event(yaml.MappingStartEvent):
                data = _plain(_next_value(loader))
            else:
                loader.get_event()
                data = {}
                while not loader.check_event(yaml.MappingEndEvent):
                    key = _next_value(loader)
                    if key == "items" and loader.check_event(yaml.SequenceStartEvent) \
                            and loader.peek_event().anchor is None:
                        loader.get_event()
                        data[key] = []
                        while not loader.check_event(yaml.SequenceEndEvent):
                            data[key].append(_plain(_next_value(loader)))
                        loader.get_event()
                    else:
                        data[key] = _plain(_next_value(loader))
                loader.get_event()
            loader.get_event()  # the document's end
            if not loader.check_event(yaml.StreamEndEvent):
                raise AnsibleError("the file holds more than one YAML document")
            return data
        finally:
            loader.dispose()

    def _template(self, value):
        """The spec's data with each template rendered with the play's variables (as include_vars' variable would be
        when read), and each `!vault` value decrypted: only text that holds a `{`, or is encrypted, goes to the
        templar (text tagged !unsafe comes back as it is); the rest is left as it was read."""
        if isinstance(value, dict):
            return dict((key, self._template(entry)) for key, entry in value.items())
        if isinstance(value, list):
            return [self._template(entry) for entry in value]
        if isinstance(value, EncryptedString) or isinstance(value, str) and "{" in value:
            return self._templar.template(value)
        return value


# Ansible's YAML loader (its constructors: !vault, !unsafe, trust, origin) with PyYAML's composer, which composes one
# node at a time where the C parser composes a whole document.
_SpecLoader = type("_SpecLoader", (type(AnsibleLoader("")),),
                   dict((name, getattr(Composer, name)) for name in (
                       "compose_node", "compose_scalar_node", "compose_sequence_node", "compose_mapping_node")))


def _json_lines(path):
    """The objects of a JSON Lines file, one at a time; the file is removed once read (or left unread)."""
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)
    finally:
        os.unlink(path)


def _construct_text(loader, node):
    """A YAML string as Ansible's loader builds it, but text that holds no `{` (it cannot be a template) as plain
    str at once: Ansible's loader tags every string with where it was read and whether it is trusted, and _plain
    would drop both again; at 10,000 items the tags were most of the read's time. `!unsafe` and `!vault` text that
    holds no `{` is plain text either way (the vault's ciphertext is still decrypted)."""
    if isinstance(node, yaml.ScalarNode) and "{" not in node.value:
        return node.value
    return _ANSIBLE_TEXT(loader, node)


def _construct_map(loader, node):
    """A YAML mapping as Ansible's loader builds it (its check of duplicate keys kept), without the tag of where it
    was read: _plain makes every mapping a new dict, which drops it."""
    data = {}
    yield data
    data.update(loader.construct_mapping(node))


_ANSIBLE_TEXT = _SpecLoader.yaml_constructors["tag:yaml.org,2002:str"]
_SpecLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)
_SpecLoader.add_constructor("tag:yaml.org,2002:python/unicode", _construct_text)
_SpecLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_SpecLoader.add_constructor("tag:yaml.org,2002:python/dict", _construct_map)


def _next_value(loader):
    """The value of the next node of the stream."""
    return loader.construct_document(loader.compose_node(None, None))


def _plain(value):
    """The value with its text that holds no `{` (no template) as plain str: without the tags of where it was read."""
    if isinstance(value, dict):
        return dict((_plain(key), _plain(entry)) for key, entry in value.items())
    if isinstance(value, list):
        return [_plain(entry) for entry in value]
    if isinstance(value, str) and "{" not in value:
        return str.__str__(value)
    return value


class _Failed(Exception):
    """A module run of the export failed (its message)."""

    def __init__(self, msg):
        super(_Failed, self).__init__(msg)
        self.msg = msg


def _octal(mode, path):
    """A file mode option (a number, or octal or symbolic text) as a number, for the file at `path`."""
    if isinstance(mode, int):
        return mode
    try:
        return int(str(mode), 8)
    except ValueError:
        return AnsibleModule._symbolic_mode_to_octal(os.stat(path), str(mode))


def _text_of(path, raw=False):
    """The text (with `raw`, the bytes) of the file at `path`; '' (None) when there is none, or a symbolic link (never
    followed: its target is not shown in a diff)."""
    if os.path.islink(path):
        return None if raw else ""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except (IOError, OSError):
        return None if raw else ""
    return data if raw else to_text(data, errors="surrogate_or_replace")


def _empty():
    return dict(rows=[], runs=dict(content={}, environments={}, integrations={}), total=0, environments=0,
                integrations=0, selections=[], schedules=False)
