# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The content_as_code role's filters: the drift rows of a connect_content batch, the spec of a server's
content (export), its YAML text, and the server items a spec does not list (prune)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import yaml

from ansible_collections.posit.connect.plugins.module_utils.fields import FIELD_CHOICES, FIELD_OPTIONS, WRITABLE_FIELDS

# What Connect gives a new item; export writes only the fields that differ.
FALSE_DEFAULTS = ("locked", "run_as_current_user", "otel_enabled")
EMPTY_DEFAULTS = ("description", "locked_message", "content_category")
DEFAULTS = dict((field, None) for field in WRITABLE_FIELDS)
DEFAULTS.update((field, False) for field in FALSE_DEFAULTS)
DEFAULTS.update((field, "") for field in EMPTY_DEFAULTS)
DEFAULTS.update(access_type="acl")
OPTION_OF = dict((option, option) for option in FIELD_OPTIONS if option != "owner")
DRIFT_COLUMNS = ["index", "name", "owner", "guid", "status", "field", "before", "after"]
SPEC_HEADER = """# Posit Connect content as code (posit.connect.content_as_code, connect_cac_spec_file).
# Items by name and owner; principals by username or group name; tags by path.
# Only the fields that differ from Connect's defaults are listed.
# Environment variable values are never exported (Connect does not return them): an item's
# variable names are listed in a comment; to manage them, add `environment:` with the values
# (from a vault), for example `environment: {DB_URL: "{{ vault_db_url }}"}`.
"""


def _text(value):
    """A field's value as one report cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if value and isinstance(value[0], dict) and "principal" in value[0]:
            return ", ".join("%s %s (%s)" % (e.get("principal_type"), e.get("principal"), e.get("role")) for e in value)
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join("%s=%s" % (k, _text(v)) for k, v in sorted(value.items()))
    return str(value)


def cac_drift(results, spec=None):
    """One row per differing field of each item of a connect_content batch result (run with diff)."""
    spec = spec or []
    rows = []
    for entry in results or []:
        status = entry.get("status")
        if status in ("unchanged", "skipped"):
            continue
        index = entry.get("index")
        item = spec[index] if index is not None and index < len(spec) else {}
        base = dict(index=index, name=entry.get("name") or item.get("name"), guid=entry.get("guid"),
                    owner=item.get("owner"), status=status)
        if status == "failed":
            rows.append(dict(base, field="(error)", before="", after=entry.get("msg")))
            continue
        if status in ("created", "deleted"):
            rows.append(dict(base, field="(item)", before="" if status == "created" else "exists",
                             after="created" if status == "created" else "deleted"))
        diff = entry.get("diff") or {}
        before, after = diff.get("before") or {}, diff.get("after") or {}
        for field in sorted(set(before) | set(after)):
            if field == "owner_guid" and "owner" in after:
                continue
            rows.append(dict(base, field=field, before=_text(before.get(field)), after=_text(after.get(field))))
        if not diff and status == "updated":  # run without diff: the changes only
            for field, value in sorted((entry.get("changes") or {}).items()):
                rows.append(dict(base, field=field, before="", after=_text(value)))
    return rows


def _vanity_path(item):
    url = item.get("vanity_url")
    if not url:
        return None
    root = (item.get("content_url") or "").split("/content/")[0]
    path = url[len(root):] if root and url.startswith(root) else url
    return "/" + path.strip("/") + "/"


def cac_export(content, users=None, groups=None, tags=None):
    """The spec items of a server's content (connect_content_info with include owner, tags, permissions,
    vanity_url and environment), by names, with only the fields that differ from Connect's defaults.
    `tags` keeps only items carrying one of these tag paths."""
    user_names = dict((u["guid"], u["username"]) for u in users or [])
    group_names = dict((g["guid"], g["name"]) for g in groups or [])
    items = []
    for record in content or []:
        item_tags = sorted(t.get("path") or t.get("name") for t in record.get("tags") or [])
        if tags and not set(tags) & set(item_tags):
            continue
        owner = (record.get("owner") or {}).get("username") or user_names.get(record.get("owner_guid")) \
            or record.get("owner_guid")
        item = dict(name=record["name"], owner=owner)
        settings = {}
        for field in sorted(WRITABLE_FIELDS):
            if field in ("name", "owner_guid") or field not in record or record[field] == DEFAULTS[field]:
                continue
            if field in FIELD_CHOICES and record[field] not in FIELD_CHOICES[field]:
                continue  # assigned by Connect on deployment (e.g. content_category 'site'), not writable
            if field in OPTION_OF:
                item[field] = record[field]
            else:
                settings[field] = record[field]
        if settings:
            item["settings"] = settings
        if item_tags:
            item["tags"] = item_tags
        if _vanity_path(record):
            item["vanity_url"] = _vanity_path(record)
        permissions = []
        for entry in record.get("permissions") or []:
            group = entry["principal_type"] == "group"
            names = group_names if group else user_names
            shown = dict(principal=names.get(entry["principal_guid"], entry["principal_guid"]))
            if group:
                shown["principal_type"] = "group"
            if entry.get("role") != "viewer":
                shown["role"] = entry["role"]
            permissions.append(shown)
        if permissions:
            item["permissions"] = sorted(permissions, key=lambda e: (e.get("principal_type", "user"), e["principal"]))
        if record.get("environment"):
            item["environment_names"] = sorted(record["environment"])  # written as a comment by cac_spec_yaml
        items.append(item)
    return sorted(items, key=lambda i: (str(i["owner"]), i["name"]))


def cac_spec_yaml(items):
    """The spec file's text: a header, then `items:`, environment names as comments."""
    lines = [SPEC_HEADER.rstrip("\n"), "items:"]
    items = json.loads(json.dumps(items or []))  # plain types for yaml.safe_dump
    for item in items:
        item = dict(item)
        names = item.pop("environment_names", None)
        text = yaml.safe_dump([item], sort_keys=False, default_flow_style=False, allow_unicode=True, width=120)
        lines.extend("  " + line for line in text.rstrip("\n").split("\n"))
        if names:
            lines.append("    # environment variables on the server (values not exported): %s" % ", ".join(names))
    if not items:
        lines[-1] = "items: []"
    return "\n".join(lines) + "\n"


def cac_prune(content, spec=None):
    """The server's items (connect_content_info with include owner) that no spec item selects."""
    guids, named = set(), set()
    for item in spec or []:
        if item.get("guid"):
            guids.add(item["guid"].lower())
        elif item.get("name"):
            named.add((item["name"], item.get("owner")))
    found = []
    for record in content or []:
        owner = (record.get("owner") or {}).get("username")
        if record["guid"].lower() in guids or (record["name"], owner) in named or (record["name"], None) in named:
            continue
        found.append(dict(guid=record["guid"], name=record["name"], owner=owner, title=record.get("title")))
    return found


def cac_absent(pruned):
    """connect_content items that delete the pruned items."""
    return [dict(guid=item["guid"], state="absent") for item in pruned or []]


def cac_prune_rows(pruned, deleted=False):
    """The drift rows of the pruned items."""
    return [dict(index=None, name=item["name"], owner=item.get("owner"), guid=item["guid"],
                 status="deleted" if deleted else "prune", field="(item)", before="exists",
                 after="deleted" if deleted else "deleted by connect_cac_prune") for item in pruned or []]


class FilterModule(object):
    def filters(self):
        return dict(cac_drift=cac_drift, cac_export=cac_export, cac_spec_yaml=cac_spec_yaml, cac_prune=cac_prune,
                    cac_absent=cac_absent, cac_prune_rows=cac_prune_rows)
