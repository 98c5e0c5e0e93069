# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The content_promote role's filters: the plan of each item (what the source holds, as the target can take it),
the items of the one connect_content batch on the target, and the role's fact.

Everything read from either server is carried as data: names are compared, copied into module options and quoted
with json.dumps in messages, never templated."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.posit.connect.plugins.filter.content_as_code import cac_export


# What the fact carries of each item's plan.
PLAN_KEYS = ("tags", "tags_created", "vanity_url", "environment_set", "environment_to_provide", "acl_unmatched",
             "acl_downgraded", "acl_warnings", "oauth_integrations", "integrations_created", "integrations_missing",
             "integration_warnings")


def _names(value):
    return ", ".join(json.dumps(name) for name in value)


def _acl(record, owner, target, options):
    """The source item's ACL by principal name, as the target can take it: (entries to send, unmatched, viewers,
    warnings). The target owner's own entry is left out (Connect refuses the owner in the ACL)."""
    if not options.get("acl"):
        return [], [], [], []
    roles = dict((u.get("username"), u.get("user_role") or "") for u in target.get("users") or [])
    groups = set(g.get("name") for g in target.get("groups") or [])
    where, title = "target server %s" % target.get("server"), json.dumps(record.get("name"))
    entries, unmatched, viewers, warnings = [], [], [], []
    for entry in record.get("permissions") or []:
        kind, role = entry.get("principal_type"), entry.get("role")
        name = entry.get("principal_name") or entry.get("principal_guid")
        if kind == "user" and name == owner:
            continue
        if name not in (roles if kind == "user" else groups):
            unmatched.append(name)
            warnings.append("%s: %s %s does not exist there; it is not made a %s of %s." % (
                where, kind, json.dumps(name), "collaborator" if role == "owner" else "viewer", title))
            continue
        if kind == "user" and role == "owner" and roles[name] == "viewer":
            viewers.append(name)
            if options.get("acl_downgrade"):
                role = "viewer"
                warnings.append("%s: user %s is a viewer there, and a viewer cannot be a collaborator; made a viewer "
                                "of %s (connect_promote_acl_downgrade)." % (where, json.dumps(name), title))
        entries.append(dict(principal=name, principal_type=kind, role=role))
    return entries, unmatched, viewers, warnings


def _target_item(target, name, owner):
    """The target's item of this name that the owner owns (connect_content_info with include owner), or {}."""
    return next((c for c in target.get("content") or [] if c.get("name") == name
                 and (c.get("owner") or {}).get("username") == owner), {})


def _integrations(record, target, options):
    """The source item's OAuth integrations by name, as the target can take them: (names to send, names created on
    the target first, names the target lacks that are not sent)."""
    have = set(target.get("integrations") or [])
    configured = set(options.get("integration_config") or [])
    names = [name for name in record.get("oauth_integrations") or [] if name]
    created = [name for name in names if name not in have and options.get("create_integrations")
               and name in configured]
    missing = [name for name in names if name not in have and name not in created]
    return [name for name in names if name not in missing], created, missing


def promote_plan(found, target, options):
    """One plan per entry of connect_promote_items, in order: `msg` says why the item fails before any write (""
    when it goes on), the rest says what to copy and what to report."""
    plans = []
    missing_tags = set(target.get("tags_missing") or [])
    for result in found or []:
        given = result.get("connect_promote_item")
        plan = dict(item=given, msg="")
        plans.append(plan)
        if "content" not in result:  # the read failed (failed_when: false keeps the other items going)
            plan["msg"] = "content_promote: connect_promote_items entry %s: %s" % (json.dumps(given), result.get("msg"))
            continue
        if len(result["content"]) != 1:
            plan["msg"] = ("content_promote: connect_promote_items entry %s selects %d items on the source server; "
                           "give its guid, or its name and owner." % (json.dumps(given), len(result["content"])))
            continue
        record = result["content"][0]
        label = "%s (%s)" % (record.get("guid"), record.get("name"))
        owner = options.get("owner") or (record.get("owner") or {}).get("username")
        plan.update(source=dict(guid=record.get("guid"), name=record.get("name")), bundle_id=record.get("bundle_id"))
        if not record.get("bundle_id"):
            plan["msg"] = "content_promote: %s has no active bundle on the source server." % label
            continue
        if not owner:
            plan["msg"] = ("content_promote: the source server does not name the owner of %s; set "
                           "connect_promote_owner." % label)
            continue
        # Categories (paths without a parent) cannot be put on content; Connect lists a tag's parents too.
        tags = sorted(set(t.get("path") or t.get("name") for t in record.get("tags") or []
                          if "/" in (t.get("path") or "")))
        lacking = [path for path in tags if path in missing_tags]
        # The vanity path below the server's root, as content_as_code's export writes it.
        vanity = cac_export([record])[0].get("vanity_url") if options.get("vanity") else None
        environment = sorted(record.get("environment") or [])
        given_environment = sorted(options.get("environment") or [])
        permissions, unmatched, viewers, warnings = _acl(record, owner, target, options)
        settings = dict((field, record[field]) for field in options.get("settings") or []
                        if record.get(field) is not None)
        dst = _target_item(target, record.get("name"), owner)
        integrations, created, absent = _integrations(record, target, options)
        plan.update(
            oauth_integrations=integrations, integrations_created=created, integrations_missing=absent,
            integration_warnings=["target server %s: OAuth integration %s does not exist there; %s is not associated "
                                  "with it. %s" % (target.get("server"), json.dumps(name), json.dumps(record.get("name")),
                                                   "Create it there (posit.connect.connect_oauth_integration), or set "
                                                   "connect_promote_create_integrations: true and give its config in "
                                                   "connect_promote_integration_config.") for name in absent])
        plan.update(
            owner=owner, tags=tags, tags_created=lacking if options.get("create_tags") else [],
            vanity_url=vanity, environment_set=given_environment,
            environment_to_provide=sorted(set(environment) - set(given_environment)),
            acl_unmatched=unmatched, acl_downgraded=viewers if options.get("acl_downgrade") else [],
            acl_warnings=warnings, target_guid=dst.get("guid"), target_bundle_id=dst.get("bundle_id"),
            permissions=permissions, settings=settings,
            deploy=dict(name=record.get("name"), owner=owner, settings=settings,
                        bundle="%s/%s.tar.gz" % (options.get("dir"), record.get("guid"))))
        if lacking and not options.get("create_tags"):
            plan["msg"] = ("content_promote: %s carries tags the target server %s lacks: %s. Create them on the target "
                           "(posit.connect.connect_tag) or set connect_promote_create_tags: true."
                           % (label, target.get("server"), ", ".join(lacking)))
        elif viewers and not options.get("acl_downgrade"):
            plan["msg"] = (
                "content_promote: target server %s: %s %s %s there, and a viewer cannot be a collaborator of %s, as on "
                "the source server. Nothing was written for this item. Make the user a publisher on the target, remove "
                "the collaborator on the source, or set connect_promote_acl_downgrade: true to make the user a viewer "
                "of the item on the target." % (target.get("server"), "users" if len(viewers) > 1 else "user",
                                                _names(viewers), "are viewers" if len(viewers) > 1 else "is a viewer",
                                                json.dumps(record.get("name"))))
    return plans


def _outcomes(plans, downloads, deployed):
    """(plan, its download result or None, its connect_deploy result entry or None) for each plan that went on."""
    going = [plan for plan in plans or [] if not plan["msg"]]
    downloads = (downloads or {}).get("results") or [None] * len(going)
    entries = list(((deployed or {}).get("results") or []))
    for plan, download in zip(going, downloads):
        uploaded = download is not None and "dest" in download
        yield plan, download, entries.pop(0) if uploaded and entries else None


def promote_content(plans, downloads=None, deployed=None, made=None, integrations=None):
    """The items of the one connect_content batch on the target: each item that went on (and whose deployment did
    not fail), with its settings, tags, vanity path, ACL and OAuth integrations (by name). A tag or an integration
    that the run would create (check mode: it has no id yet) or failed to create is left out: it cannot be put on an
    item before it exists."""
    unborn = set(t.get("path") for t in (made or {}).get("results") or [] if t.get("id") is None)
    unmade = set(i.get("name") for i in (integrations or {}).get("results") or [] if not i.get("guid"))
    items = []
    for plan, download, entry in _outcomes(plans, downloads, deployed):
        if (entry or {}).get("failed") or (download is not None and not download.get("skipped")
                                           and "dest" not in download):
            continue
        item = dict(name=plan["deploy"]["name"], owner=plan["owner"])
        tags = [path for path in plan["tags"] if path not in unborn]
        linked = [name for name in plan.get("oauth_integrations") or [] if name not in unmade]
        for key, value in (("settings", plan["settings"]), ("tags", tags), ("vanity_url", plan["vanity_url"]),
                           ("permissions", plan["permissions"]), ("oauth_integrations", linked)):
            if value:
                item[key] = value
        items.append(item)
    return items


def promote_integrations(plans, source, config):
    """The items of the one connect_oauth_integration batch on the target: each integration the plans create (sorted
    by name), with the template and description of the source's integration of that name and its config as given
    in connect_promote_integration_config (update_config on_create: a rerun sends no secret)."""
    by_name = dict((i.get("name"), i) for i in source or [])
    items = []
    for name in sorted(set(n for plan in plans or [] if not plan["msg"] for n in plan.get("integrations_created") or [])):
        record = by_name.get(name) or {}
        item = dict(name=name, template=record.get("template"), config=(config or {}).get(name) or {})
        if record.get("description") is not None:
            item["description"] = record["description"]
        items.append(item)
    return items


def promote_result(plans, downloads=None, deployed=None, configured=None):
    """The connect_promote fact: `items` (one per item promoted, or that would be), `changed` (how many changed)
    and `failed` (one per item that failed, with the entry as given and why)."""
    items, failed = [], dict((id(plan), plan["msg"]) for plan in plans or [] if plan["msg"])
    entries = list((configured or {}).get("results") or [])
    for plan, download, entry in _outcomes(plans, downloads, deployed):
        uploaded = download is not None and "dest" in download
        if download is not None and not download.get("skipped") and not uploaded:
            failed[id(plan)] = "content_promote: %s (%s): %s" % (plan["source"]["guid"], plan["source"]["name"],
                                                                 download.get("msg"))
            continue
        if (entry or {}).get("failed"):
            failed[id(plan)] = "content_promote: %s (%s): %s" % (plan["source"]["guid"], plan["source"]["name"],
                                                                 entry.get("msg"))
            continue
        content = entries.pop(0) if entries else {}
        if content.get("failed"):
            failed[id(plan)] = "content_promote: %s (%s): %s" % (plan["source"]["guid"], plan["source"]["name"],
                                                                 content.get("msg"))
            continue
        read = ((download or {}).get("item") or [None, {}, {}])
        source_bundle = (download or {}).get("bundles") or (read[2] or {}).get("bundles") or [{}]
        items.append(dict(
            source=plan["source"],
            target=dict(guid=content.get("guid") or (entry or {}).get("guid") or plan["target_guid"],
                        name=plan["source"]["name"], owner=plan["owner"]),
            sha1=source_bundle[0].get("sha1"), uploaded=uploaded,
            bundle_id=(entry or {}).get("bundle_id") if uploaded else plan["target_bundle_id"],
            changed=bool((entry or {}).get("changed") or content.get("changed") or plan["tags_created"]
                         or plan.get("integrations_created")),
            **dict((key, plan[key]) for key in PLAN_KEYS)))
    return dict(items=items, changed=sum(1 for item in items if item["changed"]),
                failed=[dict(item=plan["item"], msg=failed[id(plan)]) for plan in plans or [] if id(plan) in failed])


class FilterModule(object):
    def filters(self):
        return dict(promote_plan=promote_plan, promote_content=promote_content, promote_result=promote_result,
                    promote_integrations=promote_integrations)
