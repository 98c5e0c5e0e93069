# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filters of the content_rebuild role: which items to rebuild (rebuild_plan) and what came of it
(rebuild_outcome: report rows, summary and the state file of a resumable run).

Versions are compared with the packaging library (PEP 440 specifiers such as <3.9, >=4.0,<4.3), R and Quarto
versions too (4.3.2 and 1.4.550 are PEP 440 versions). Every string from Connect is carried as data.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

try:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version
except ImportError:  # pragma: no cover - packaging ships with ansible-core
    SpecifierSet = None

# (language, the content field holding its version, the role variable of its specifier)
RUNTIMES = (("python", "py_version", "connect_rebuild_python"), ("r", "r_version", "connect_rebuild_r"),
            ("quarto", "quarto_version", "connect_rebuild_quarto"))
SHOWN_LINES = 10


def _specifiers(specs):
    """{language: SpecifierSet} of the specifiers given; AnsibleFilterError naming the role variable."""
    if SpecifierSet is None:
        raise AnsibleFilterError("content_rebuild needs the Python library 'packaging' on the controller.")
    found = {}
    for language, _field, variable in RUNTIMES:
        spec = specs.get(language)
        if spec is None or not str(spec).strip():
            continue
        try:
            found[language] = SpecifierSet(str(spec).strip())
        except InvalidSpecifier:
            raise AnsibleFilterError("%s: %r is not a version specifier; write for example '<3.9', '>=4.0,<4.3' or "
                                     "'==1.3.*'." % (variable, str(spec)))
    if not found:
        raise AnsibleFilterError("Set connect_rebuild_python, connect_rebuild_r or connect_rebuild_quarto to a version "
                                 "specifier such as '<3.9': the role rebuilds the content that runs such a version.")
    return found


def _matches(specifier, version):
    if version is None or not str(version).strip():
        return False
    try:
        return specifier.contains(Version(str(version).strip()), prereleases=True)
    except InvalidVersion:
        return False


def rebuild_plan(content, python=None, r=None, quarto=None, state=None, now=None):
    """The items to rebuild: those whose Python, R or Quarto version matches its specifier (any one of them).

    state: the state file of an earlier run (or None). When that run did not complete, the items it rebuilt since
    its start are skipped and its start is kept; a completed run's state starts a new run at `now`.
    Returns dict(started, build: [item rows], skipped: [item rows]), each row with guid, name, title, app_mode,
    owner_guid, bundle_id and runtime (what matched, e.g. "python 3.8.10").
    """
    specifiers = _specifiers(dict(python=python, r=r, quarto=quarto))
    previous = state if isinstance(state, dict) and state.get("started") and not state.get("complete") else None
    done = dict((previous or {}).get("succeeded") or {})
    plan = dict(started=previous["started"] if previous else now, build=[], skipped=[])
    for item in content or []:
        matched = ["%s %s" % (language, item.get(field)) for language, field, _variable in RUNTIMES
                   if language in specifiers and _matches(specifiers[language], item.get(field))]
        if not matched:
            continue
        row = dict(guid=item.get("guid"), name=item.get("name"), title=item.get("title"), app_mode=item.get("app_mode"),
                   owner_guid=item.get("owner_guid"), bundle_id=item.get("bundle_id"), runtime=", ".join(matched))
        if row["guid"] in done:
            plan["skipped"].append(dict(row, reason="rebuilt at %s, since the start of the run it resumes (%s)"
                                        % (done[row["guid"]], plan["started"])))
        else:
            plan["build"].append(row)
    return plan


def rebuild_outcome(plan, result=None, now=None, state=None, dry_run=False):
    """Report rows, a summary and the next state of a rebuild.

    result: the registered result of connect_content_build over plan['build'] (None when nothing was built).
    Returns dict(rows, rebuilt, failed, skipped, state): rows for to_csv (guid, name, title, app_mode, runtime,
    status, task, log_tail), the summary lists, and the state file's content (started, complete, succeeded).
    """
    entries = dict((entry.get("guid"), entry) for entry in ((result or {}).get("results") or []))
    check = dry_run or bool((result or {}).get("check_mode"))
    previous = state if isinstance(state, dict) and state.get("started") == plan.get("started") else {}
    succeeded = dict(previous.get("succeeded") or {})
    rows, rebuilt, failed, skipped = [], [], [], []
    for row in plan.get("build") or []:
        entry = entries.get(row["guid"]) or {}
        task = entry.get("task") or {}
        tail = " | ".join(entry.get("output") or [])
        if entry.get("failed") or not entry:
            status = "failed"
            entry = dict(entry, msg=entry.get("msg") or (result or {}).get("msg") or "not built")
            failed.append(dict(row, msg=entry["msg"], log_tail=entry.get("output") or []))
        elif check:
            status = "would rebuild"
            rebuilt.append(row)
        else:
            status = "rebuilt"
            rebuilt.append(row)
            succeeded[row["guid"]] = now
        rows.append(dict(row, status=status, task=task.get("id"), log_tail=tail,
                         msg=entry.get("msg") if status == "failed" else ""))
    for row in plan.get("skipped") or []:
        skipped.append(row)
        rows.append(dict(row, status="skipped", task=None, log_tail="", msg=row.get("reason")))
    complete = not failed and not check
    return dict(rows=rows, rebuilt=rebuilt, failed=failed, skipped=skipped,
                state=dict(started=plan.get("started"), complete=complete, succeeded=succeeded))


def rebuild_caches(caches, content, python=None, r=None):
    """The runtime caches of a Python or R version matching its specifier that no content runs any more.

    content: the content as it is now (read after the builds); a version that an item still runs keeps its caches.
    Returns dict(delete: [{language, version, image_name}], kept: [{language, version, image_name, reason}]).
    """
    specifiers = dict((language, spec) for language, spec in _specifiers(dict(python=python, r=r)).items()
                      if language in ("python", "r"))
    fields = dict((language, field) for language, field, _variable in RUNTIMES)
    found = dict(delete=[], kept=[])
    for cache in caches or []:
        language = str(cache.get("language") or "").lower()
        if language not in specifiers or not _matches(specifiers[language], cache.get("version")):
            continue
        entry = dict(language=cache.get("language"), version=cache.get("version"), image_name=cache.get("image_name"))
        users = [item for item in content or [] if str(item.get(fields[language]) or "") == str(cache.get("version"))]
        if users:
            found["kept"].append(dict(entry, reason="still run by %d content items" % len(users)))
        else:
            found["delete"].append(entry)
    return found


class FilterModule(object):
    def filters(self):
        return dict(rebuild_plan=rebuild_plan, rebuild_outcome=rebuild_outcome, rebuild_caches=rebuild_caches)
