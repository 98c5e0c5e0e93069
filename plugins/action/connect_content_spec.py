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
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import yaml
from yaml.composer import Composer

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.parsing.vault import EncryptedString
from ansible.parsing.yaml.loader import AnsibleLoader
from ansible.template import trust_as_template
from ansible.plugins.action import ActionBase

from ansible_collections.posit.connect.plugins.filter.content_as_code import (
    cac_content_items,
    cac_drift,
    cac_problems,
)

CONNECTION = ("server", "api_key", "validate_certs", "ca_path")
# What the role reads of each module's run (the rest, one entry per item, becomes the drift rows).
SUMMARY = ("changed", "failed", "msg", "changed_count", "failed_count", "failed_items", "matched")
# What the prune and the schedules' drift read of each spec item.
SELECTION = ("guid", "name", "owner", "schedules")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("spec_file", "spec", "purge", "prune", "concurrency") + CONNECTION)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
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


def _empty():
    return dict(rows=[], runs=dict(content={}, environments={}, integrations={}), total=0, environments=0,
                integrations=0, selections=[], schedules=False)
