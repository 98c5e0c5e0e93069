# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a Connect server reports about itself (connect_server_info): version, probed features, the API key's
user and, for an administrator's key, the active-user counts of the license; its storage and runtimes; its runtime
caches (connect_runtime_cache) and its system checks (connect_server_check)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import active_user_counts, current_user

SEARCH_PATH = "v1/search/auditlogs"  # the audit log search (concepts/audit.py), a feature some servers lack


def has_search(client):
    """Whether the server has GET /v1/search/auditlogs: probed once per run (Connect 2025.01.0 and later are
    expected to have it, but the version only hints: some older servers serve it too)."""
    return client.has_endpoint(SEARCH_PATH, {"page_size": 1})


RUNTIMES = ("r", "python", "quarto")  # GET /v1/server_settings/{language}: the installations the server offers


def server_info(client, warn, include=()):
    """The module result; `warn` says why active_users is null for a key that is not an administrator's.

    include: "storage" adds GET /v1/system/storage (administrators), "runtimes" GET /v1/server_settings/{r,python,
    quarto}; each is null (with a warning) on a server without it."""
    settings = client.server_settings()
    me = current_user(client) or {}
    active = None
    if me.get("user_role") == "administrator":
        active = active_user_counts(client)
    else:
        warn("server.active_users needs an administrator's API key (GET /v1/metrics/users/active); "
             "the key of %r, a %s, cannot read the license counts, so it is null." % (me.get("username"), me.get("user_role")))
    return dict(changed=False, server=dict(
        version=settings.get("version") or None,
        version_info=list(client.version() or []),
        api_url=client.api_root,
        features=dict(search_audit_logs=has_search(client)),
        current_user=dict((k, me.get(k)) for k in ("username", "guid", "user_role")),
        settings=settings,
        active_users=active,
        **_included(client, warn, include)
    ))


def _included(client, warn, include):
    server = {}
    if "storage" in include:
        server["storage"] = _optional(client, "v1/system/storage", warn)
    if "runtimes" in include:
        server["runtimes"] = dict((name, _installations(_optional(client, "v1/server_settings/%s" % name, warn)))
                                  for name in RUNTIMES)
    return server


def _installations(answer):
    return None if answer is None else answer.get("installations") or []


def _optional(client, path, warn):
    """GET path, or None with a warning when the server has no such endpoint (404) or the key may not read it (403)."""
    try:
        return client.get(path)
    except ConnectError as exc:
        if exc.status not in (403, 404):
            raise
        if exc.status == 403:
            warn("GET /__api__/%s needs an administrator's API key; its part of the result is null." % path)
            return None
    warn("This Connect server has no GET /__api__/%s (an older release); its part of the result is null." % path)
    return None


# -- runtime caches (GET /v1/system/caches/runtime; administrators only) ----------------------------------------

CACHES_PATH = "v1/system/caches/runtime"
CACHE_LANGUAGES = ("r", "python")
DEFAULT_IMAGE = "Local"  # the image_name of the caches of content that runs on the Connect host


def cache_key(cache):
    """What identifies a cache: (language in lower case, version, image_name); Connect lists "python" or "Python"."""
    return (str(cache.get("language") or "").lower(), cache.get("version"), cache.get("image_name") or DEFAULT_IMAGE)


def runtime_caches(client, language=None, version=None, image_name=None):
    """The runtime caches, as Connect lists them, narrowed to a language, version and image where given."""
    try:
        caches = (client.get(CACHES_PATH) or {}).get("caches") or []
    except ConnectError as exc:
        if exc.status != 404:
            raise
        raise ConnectError("This Connect server has no runtime cache API (GET /__api__/%s answers 404; Connect "
                           "2024.05 and later have it)." % CACHES_PATH, method=exc.method, path=exc.path,
                           status=exc.status, code=exc.code)
    return [cache for cache in caches
            if (language is None or cache_key(cache)[0] == language.lower())
            and (version is None or cache.get("version") == version)
            and (image_name is None or cache_key(cache)[2] == image_name)]


# -- system checks (/v1/system/checks; administrators only) ---------------------------------------------------------

CHECKS_PATH = "v1/system/checks"
CHECK_POLL_SECONDS = 0.5


def _check_rows(results):
    """Each result of a run as the module returns it (every field read with a fallback: no recording exists)."""
    rows = []
    for result in results or []:
        group, test = result.get("group") or {}, result.get("test") or {}
        rows.append(dict(group=group.get("name"), test=test.get("name"), args=test.get("args") or group.get("args"),
                         passed=result.get("passed"), output=result.get("output"), error=result.get("error")))
    return rows


def server_check(client, params, check_mode, warn):
    """connect_server_check's result: run the checks (POST, then poll the run until it is done) and read the results;
    in check mode, read the results of the newest run instead. Fails (failed=True) when a check did not pass."""
    try:
        runs = client.get(CHECKS_PATH) or []
    except ConnectError as exc:
        if exc.status != 404:
            raise
        warn("This Connect server has no system checks (GET /__api__/%s answers 404; newer Connect releases have "
             "them); nothing was checked." % CHECKS_PATH)
        return dict(changed=False, available=False, run=None, checks=[], failed_checks=[],
                    msg="This Connect server has no system checks.")
    if check_mode:
        finished = [run for run in runs if run.get("status") == "done"]
        run = max(finished, key=lambda one: (str(one.get("start_time") or ""), str(one.get("id")))) if finished else None
        if run is None:
            return dict(changed=False, available=True, run=None, checks=[], failed_checks=[],
                        msg="No system check run has finished yet; check mode runs no new checks.")
    else:
        body = {"hostname": params["hostname"]} if params.get("hostname") else {}
        run = client.post(CHECKS_PATH, body=body) or {}
        run = _wait_for_run(client, run, params.get("wait_timeout") or 0)
    answer = client.get("%s/%s/results" % (CHECKS_PATH, run.get("id"))) or {}
    run = answer.get("run") or run
    checks = _check_rows(answer.get("results"))
    failed = [check for check in checks if check["passed"] is False]
    result = dict(changed=False, available=True, run=run, checks=checks, failed_checks=failed)
    if failed:
        result.update(failed=True, msg="%d of %d system checks failed: %s" % (len(failed), len(checks), "; ".join(
            "%s/%s: %s" % (check["group"], check["test"], check["error"] or "failed") for check in failed)))
    else:
        result["msg"] = "%d system checks passed%s." % (len(checks), " (the newest run)" if check_mode else "")
    return result


def _wait_for_run(client, run, timeout):
    deadline = time.monotonic() + timeout
    while run.get("status") not in ("done", "canceled"):
        if time.monotonic() >= deadline:
            raise ConnectError("The system check run %s did not finish within %s seconds (wait_timeout); its status "
                               "is %r." % (run.get("id"), timeout, run.get("status")))
        time.sleep(CHECK_POLL_SECONDS)
        run = client.get("%s/%s" % (CHECKS_PATH, run.get("id"))) or {}
    if run.get("status") == "canceled":
        raise ConnectError("The system check run %s was canceled." % run.get("id"))
    return run
