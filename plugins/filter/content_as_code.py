# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The content_as_code role's filters: the check of a spec, the drift rows of a connect_content batch, the spec of a
server's content (export), its YAML text, the Markdown cells of the drift report, and the server items a spec does
not list (prune)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.posit.connect.plugins.module_utils.concepts.fields import (
    FIELD_CHOICES,
    FIELD_OPTIONS,
    TITLE_LENGTH,
    WRITABLE_FIELDS,
)
from ansible_collections.posit.connect.plugins.module_utils.concepts.vanity import server_root, vanity_path
from ansible_collections.posit.connect.plugins.module_utils.concepts.schedules import describe


# What Connect gives a new item; export writes only the fields that differ.
FALSE_DEFAULTS = ("locked", "run_as_current_user", "otel_enabled")
EMPTY_DEFAULTS = ("description", "locked_message", "content_category")
DEFAULTS = dict((field, None) for field in WRITABLE_FIELDS)
DEFAULTS.update((field, False) for field in FALSE_DEFAULTS)
DEFAULTS.update((field, "") for field in EMPTY_DEFAULTS)
DEFAULTS.update(access_type="acl")
OPTION_OF = dict((option, option) for option in FIELD_OPTIONS if option != "owner")
SPEC_HEADER = """# Posit Connect content as code (posit.connect.content_as_code, connect_cac_spec_file).
# Items by name and owner; principals by username or group name; tags by path.
# Only the fields that differ from Connect's defaults are listed.
# Text from the server that looks like a template is tagged !unsafe: it is kept literally, never templated.
# Environment variable values are never exported (Connect does not return them): an item's
# variable names are listed in a comment. To manage them, add `environment:` with the values, from a
# vault: this file is read as a vars file is, so `DB_URL: "{{ vault_db_url }}"` (a variable of the play)
# and `DB_URL: !vault |` (ansible-vault encrypt_string) both work.
"""

# What a spec item's `schedules:` holds of each of Connect's schedules (connect_schedule_info's names; a field
# Connect leaves out or sends as null is left out). Connect's versioned API has no schedule writes: the role reports
# schedule drift, never applies it.
SCHEDULE_FIELDS = ("type", "rule", "timezone", "start_time", "end_time", "email")

# The options of a connect_content item that take one value (not a list or a mapping).
SCALAR_OPTIONS = frozenset(FIELD_OPTIONS) | frozenset((
    "name", "guid", "state", "vanity_url", "force_vanity_url", "overwrite_environment", "purge_tags",
    "purge_environment", "purge_permissions", "purge_oauth_integrations"))
LIST_OPTIONS = ("tags", "permissions", "reset", "oauth_integrations", "schedules")
DICT_OPTIONS = ("environment", "settings")


def _type_name(value):
    for kind, name in ((bool, "a boolean"), (str, "a string"), (list, "a list"), (dict, "a mapping"),
                       ((int, float), "a number"), (type(None), "null")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def cac_problems(spec, source="connect_cac_spec"):
    """What is wrong with a spec (the data of a spec file, or the list of connect_cac_spec), as messages that name
    the source and the entry and carry no value; [] when it can be planned. Two items that select the same object
    by guid, or by name and owner, are a problem: nothing may be applied twice."""
    if isinstance(spec, dict) or spec is None:
        if not isinstance(spec, dict) or "items" not in spec:
            return ["%s holds no `items:` list. Write `items:` with one entry per content item (name and owner, or "
                    "guid), or `items: []`." % source]
        problems = _environment_problems(spec.get("environments"), source)
        problems += _environment_problems(spec.get("integrations"), source, "integrations", "OAuth integration",
                                          "integration", "OAuth integration its `name`")
        where = "%s: items" % source
        return problems + _item_problems(spec["items"], where)
    return _item_problems(spec, source)


def _environment_problems(environments, source, key="environments", kind="execution environment", noun="image",
                          name_of="execution environment its `name` (the image)"):
    """What is wrong with a spec's `environments:` (connect_execution_environment items, each by image name), or
    its `integrations:` (connect_oauth_integration items, each by name)."""
    if environments is None:
        return []
    where = "%s: %s" % (source, key)
    if not isinstance(environments, list):
        return ["%s must be a list of %ss, got %s." % (where, kind, _type_name(environments))]
    problems, taken = [], {}
    for index, environment in enumerate(environments):
        entry = "%s[%d]" % (where, index)
        name = environment.get("name") if isinstance(environment, dict) else None
        if not isinstance(name, str) or not name.strip():
            problems.append("%s gives no %s name: give each %s." % (entry, noun, name_of))
        elif name in taken:
            problems.append("%s is the same %s as %s; list each %s once." % (entry, noun, taken[name], noun))
        else:
            taken[name] = "%s[%d]" % (key, index)
    return problems


def _item_problems(spec, where):
    """What is wrong with a spec's content items."""
    if not isinstance(spec, list):
        return ["%s must be a list of content items, got %s." % (where, _type_name(spec))]
    problems, taken, named = [], {}, {}  # named: the first item of each name, whatever its owner
    for index, item in enumerate(spec):
        entry = "%s[%d]" % (where, index)
        if not isinstance(item, dict):
            problems.append("%s is %s, not a content item: give a mapping with name and owner, or guid."
                            % (entry, _type_name(item)))
            continue
        for option, value in sorted(item.items()):
            if option in SCALAR_OPTIONS and isinstance(value, (list, dict)):
                problems.append("%s.%s must be a single value, got %s." % (entry, option, _type_name(value)))
            elif option in LIST_OPTIONS and value is not None and not isinstance(value, list):
                problems.append("%s.%s must be a list, got %s." % (entry, option, _type_name(value)))
            elif option in DICT_OPTIONS and value is not None and not isinstance(value, dict):
                problems.append("%s.%s must be a mapping, got %s." % (entry, option, _type_name(value)))
        guid, name, owner = item.get("guid"), item.get("name"), item.get("owner")
        if not isinstance(guid, (str, type(None))) or not isinstance(name, (str, type(None))) \
                or not isinstance(owner, (str, type(None))):
            continue  # reported above
        if not guid and not name:
            problems.append("%s gives neither name nor guid: name the content item (with owner), or give its guid."
                            % entry)
            continue
        key = ("guid", guid.lower()) if guid else ("name", name, owner)
        if guid:
            clash = taken.get(key)
        elif owner is None:  # selects the one item of that name, whoever owns it
            clash = named.get(name)
        else:
            clash = taken.get(key) or taken.get(("name", name, None))
        if clash:
            problems.append("%s selects the same content item as %s (%s); list each item once, or give each its owner."
                            % (entry, clash, "guid %s" % guid if guid else "name %r" % name))
        taken.setdefault(key, "items[%d]" % index)
        if not guid:
            named.setdefault(name, "items[%d]" % index)
    return problems


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


def cac_principal_types(content):
    """The principal types ('user', 'group') that the ACLs of a server's content (connect_content_info with include
    permissions) name: export reads the users, or the groups, only when an ACL names one."""
    found = set()
    for record in content or []:
        for entry in record.get("permissions") or []:
            found.add(entry.get("principal_type"))
    return sorted(kind for kind in found if kind)


def _vanity_path(item):
    return vanity_path(item.get("vanity_url"), server_root(item.get("content_url")))


def _writable(text):
    """Whether a server string can stand on one line of the spec as it is (no line break, no control character)."""
    return text.isprintable()


# The keys of connect_content_info's items that cac_export reads (its `fields`): an export of 10,000 items carries
# these, not every field of every item, from the module to the controller.
EXPORT_FIELDS = sorted(set(WRITABLE_FIELDS) | set([
    "guid", "owner", "tags", "vanity_url", "content_url", "permissions", "oauth_integrations", "schedules",
    "environment"]))


def cac_export(content, users=None, groups=None, tags=None):
    """The spec items of a server's content (connect_content_info with include owner, tags, permissions,
    vanity_url, environment and oauth_integrations), by names, with only the fields that differ from Connect's defaults.
    An ACL entry's principal is named from `users` or `groups`, else by its principal_name (connect_content_info's),
    else by its guid.
    `tags` keeps only items carrying one of these tag paths. What the spec cannot hold (a title Connect would
    refuse, an environment variable name that is not one printable line) is left out and listed under the item's
    `unwritten`."""
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
        unwritten = []
        settings = {}
        for field in sorted(WRITABLE_FIELDS):
            if field in ("name", "owner_guid") or field not in record:
                continue
            value = record[field]  # read once: each read of a registered result is templated again
            if value == DEFAULTS[field]:
                continue
            if field in FIELD_CHOICES and value not in FIELD_CHOICES[field]:
                continue  # assigned by Connect on deployment (e.g. content_category 'site'), not writable
            if field == "title" and not TITLE_LENGTH[0] <= len(value) <= TITLE_LENGTH[1]:
                unwritten.append(dict(field="title", value=value, reason=(
                    "Connect refuses titles shorter than %d or longer than %d characters, so a spec cannot set it; "
                    "the title is left unmanaged" % TITLE_LENGTH)))
                continue
            if field in OPTION_OF:
                item[field] = value
            else:
                settings[field] = value
        if settings:
            item["settings"] = settings
        if item_tags:
            item["tags"] = item_tags
        vanity = _vanity_path(record)
        if vanity:
            item["vanity_url"] = vanity
        permissions = []
        for entry in record.get("permissions") or []:
            group = entry["principal_type"] == "group"
            names = group_names if group else user_names
            guid, role = entry["principal_guid"], entry.get("role")
            shown = dict(principal=names.get(guid) or entry.get("principal_name") or guid)
            if group:
                shown["principal_type"] = "group"
            if role != "viewer":
                shown["role"] = role
            permissions.append(shown)
        if permissions:
            item["permissions"] = sorted(permissions, key=lambda e: (e.get("principal_type", "user"), e["principal"]))
        integrations = record.get("oauth_integrations")
        if integrations:
            item["oauth_integrations"] = sorted(integrations)
        schedules = _schedules(record)
        if schedules:
            item["schedules"] = schedules
        names = sorted(record.get("environment") or [])
        unwritten.extend(dict(field="environment", value=name, reason=(
            "an environment variable name that holds a line break or a control character is not written into the "
            "spec's comment")) for name in names if not _writable(name))
        if any(_writable(name) for name in names):
            item["environment_names"] = [name for name in names if _writable(name)]  # a comment (cac_spec_yaml)
        if unwritten:
            item["unwritten"] = [dict(entry, name=record["name"], owner=owner) for entry in unwritten]
        items.append(item)
    return sorted(items, key=lambda i: (str(i["owner"]), i["name"]))


# libyaml's emitter and parser when PyYAML has them (the pure-Python ones take most of an export's CPU at 10,000
# items); the representers and constructors below are the same Python code either way.
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecDumper(_BaseDumper):
    """Writes the spec: text that holds a template's opening (`{`) is tagged !unsafe, so that reading the spec as
    a vars file keeps it literally; text that is not one printable line is double-quoted (escaped, one line)."""


class _SpecLoader(_BaseLoader):
    """Reads what _SpecDumper wrote, for export's check that the spec reads back as exported."""


def _represent_text(dumper, text):
    return dumper.represent_scalar("!unsafe" if "{" in text else "tag:yaml.org,2002:str", text,
                                   style=None if _writable(text) else '"')


_SpecDumper.add_representer(str, _represent_text)
_SpecLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def _dump(data, **options):
    return yaml.dump(data, Dumper=_SpecDumper, sort_keys=False, allow_unicode=True, **options)


# The options of connect_execution_environment that export writes, in this order; installations as plain lists.
ENVIRONMENT_OPTIONS = ("name", "cluster_name", "title", "description", "matching", "supervisor", "python", "r",
                       "quarto", "tensorflow", "nodejs", "volume_mounts")
INSTALLATION_OPTIONS = ("python", "r", "quarto", "tensorflow", "nodejs")


def cac_export_environments(environments):
    """The spec's `environments:` from connect_execution_environment_info's environments: each image with the
    options Connect reported (null ones left out, installations as lists of version and path), by name."""
    exported = []
    for environment in environments or []:
        if not environment.get("name"):
            continue
        entry = {}
        for option in ENVIRONMENT_OPTIONS:
            value = environment.get(option)
            if option in INSTALLATION_OPTIONS and isinstance(value, dict):
                value = [dict(version=i.get("version"), path=i.get("path")) for i in value.get("installations") or []]
            if value is not None and not (option == "volume_mounts" and not value):
                entry[option] = value
        exported.append(entry)
    return sorted(exported, key=lambda e: e["name"])


def cac_export_integrations(integrations):
    """The spec's `integrations:` from connect_oauth_integration_info's integrations: each with its name,
    description, template and the config keys Connect returns (it never returns a secret), by name."""
    exported = []
    for integration in integrations or []:
        if not integration.get("name"):
            continue
        entry = dict(name=integration["name"])
        for option in ("description", "template"):
            if integration.get(option) is not None:
                entry[option] = integration[option]
        config = dict((key, value) for key, value in (integration.get("config") or {}).items() if value is not None)
        if config:
            entry["config"] = config
        exported.append(entry)
    return sorted(exported, key=lambda e: e["name"])


READ_BACK = 200  # spec items read back at a time (cac_spec_yaml)
INTEGRATION_COMMENT = ("  # config: Connect returns no secret, so none is exported. Add the template's secret keys "
                       "(such as client_secret) from a vault before applying this spec to a server that lacks the "
                       "integration; update_config on_create sends config only when the integration is created.\n")


def cac_spec_yaml(items, environments=None, integrations=None):
    """The spec file's text: a header, then `environments:` when given (connect_cac_export_runtimes), then `items:`,
    each item's environment names as a comment. Every value is written by the YAML emitter; the text is read back and
    must give the environments and the items, or nothing is returned. It is read back in parts (what comes before
    `items:`, then READ_BACK items at a time, each run overlapping the next by one item, so every two neighbours are
    read together): a whole spec of 10,000 items read back at once held 120 MiB of YAML nodes."""
    items = json.loads(json.dumps(items or []))  # plain types for the emitter
    parts = [SPEC_HEADER]
    if environments is not None:
        environments = json.loads(json.dumps(environments))
        parts.append(_dump(dict(environments=environments), default_flow_style=False, width=120))
    if integrations is not None:
        integrations = json.loads(json.dumps(integrations))
        parts.append("integrations:%s\n" % ("" if integrations else " []"))
        for integration in integrations:
            parts.append(_dump([integration], default_flow_style=False, width=120))
            parts.append(INTEGRATION_COMMENT)
    before_items = "".join(parts)
    wanted, texts = [], []
    for item in items:
        item = dict(item)
        names = item.pop("environment_names", None)
        item.pop("unwritten", None)
        wanted.append(item)
        text = _dump([item], default_flow_style=False, width=120)
        if names:
            line = "  # environment variables on the server (values not exported): %s" % yaml.safe_dump(
                [name for name in names if _writable(name)], default_flow_style=True, width=float("inf"),
                allow_unicode=True).strip()
            if len(line.splitlines()) != 1:
                raise AnsibleFilterError("cac_spec_yaml: environment variable names that do not fit on one line")
            text += line + "\n"
        texts.append(text)
    read = yaml.load(before_items + "items: []\n", Loader=_SpecLoader) or {}
    same = read.get("environments") == environments and read.get("integrations") == integrations
    for start in range(0, len(texts), READ_BACK):
        end = start + READ_BACK + 1
        same = same and (yaml.load("items:\n" + "".join(texts[start:end]), Loader=_SpecLoader) or {}).get(
            "items") == wanted[start:end]
    if not same:
        raise AnsibleFilterError("cac_spec_yaml: the spec does not read back as the items it was made from; "
                                 "nothing was written")
    return before_items + "items:%s\n" % ("" if items else " []") + "".join(texts)


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


def _schedules(record):
    """An item's schedules (connect_content_info with include schedule) as a spec writes them; None when Connect
    did not answer include=schedule."""
    if "schedules" not in record:
        return None
    shown = []
    for schedule in record.get("schedules") or []:
        described = describe(record, schedule)
        shown.append(dict((field, described[field]) for field in SCHEDULE_FIELDS if described[field] is not None))
    return shown


def _records_by_selection(content):
    """The server records (connect_content_info with include owner) by what a spec item selects them with: the
    lowercase guid, (name, owner's username) and name; the first record of each, as the content lists them."""
    by_guid, by_owner, by_name = {}, {}, {}
    for record in content or []:
        by_guid.setdefault((record.get("guid") or "").lower(), record)
        by_owner.setdefault((record.get("name"), (record.get("owner") or {}).get("username")), record)
        by_name.setdefault(record.get("name"), record)
    return by_guid, by_owner, by_name


def _record_of(records, item):
    """The server record a spec item selects, by guid or name and owner (records: _records_by_selection)."""
    by_guid, by_owner, by_name = records
    if item.get("guid"):
        return by_guid.get(item["guid"].lower())
    if item.get("owner") is None:
        return by_name.get(item.get("name"))
    return by_owner.get((item.get("name"), item["owner"]))


def cac_content_items(items):
    """The spec's items as connect_content takes them: without `schedules` (reported by cac_schedule_drift)."""
    return [dict((k, v) for k, v in item.items() if k != "schedules") if isinstance(item, dict) else item
            for item in items or []]


def _json(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def cac_schedule_drift(content, spec=None, applied=False):
    """One drift row per spec item whose `schedules:` differ from the server's (connect_content_info with include
    owner and schedule). Nothing applies them: in apply the row's status says so."""
    rows, records = [], None
    for index, item in enumerate(spec or []):
        if not isinstance(item, dict) or "schedules" not in item:
            continue
        wanted = item.get("schedules") or []
        records = records or _records_by_selection(content)
        record = _record_of(records, item) or {}
        found = _schedules(record) if record else []
        if found == wanted:
            continue
        rows.append(dict(index=index, name=item.get("name") or record.get("name"), owner=item.get("owner"),
                         guid=record.get("guid") or item.get("guid"), field="schedules",
                         status="not applied" if applied else "drift",
                         before="(not reported by this Connect server)" if found is None else _json(found),
                         after=_json(wanted)))
    return rows


def cac_absent(pruned):
    """connect_content items that delete the pruned items."""
    return [dict(guid=item["guid"], state="absent") for item in pruned or []]


def cac_prune_rows(pruned, deleted=False):
    """The drift rows of the pruned items."""
    return [dict(index=None, name=item["name"], owner=item.get("owner"), guid=item["guid"],
                 status="deleted" if deleted else "prune", field="(item)", before="exists",
                 after="deleted" if deleted else "deleted by connect_cac_prune") for item in pruned or []]


def cac_md(value):
    """One cell of a Markdown table: text that cannot break the table (or its row), nor become HTML."""
    text = "" if value is None else str(value)
    text = "".join(ch if _writable(ch) else " " for ch in text)
    for old, new in (("\\", "\\\\"), ("|", "\\|"), ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(old, new)
    return text


class FilterModule(object):
    def filters(self):
        return dict(cac_problems=cac_problems, cac_drift=cac_drift, cac_export=cac_export, cac_spec_yaml=cac_spec_yaml,
                    cac_export_environments=cac_export_environments,
                    cac_export_integrations=cac_export_integrations,
                    cac_md=cac_md, cac_prune=cac_prune, cac_absent=cac_absent, cac_prune_rows=cac_prune_rows,
                    cac_content_items=cac_content_items, cac_schedule_drift=cac_schedule_drift,
                    cac_principal_types=cac_principal_types)
