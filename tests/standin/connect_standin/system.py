"""Runtime caches, system checks and storage (posit-system-information-api-openapi.yml,
posit-system-checks-api-openapi.yml, posit-system-api-openapi.yml). Administrators only (403 otherwise).

* ``GET /v1/system/caches/runtime`` (from 2024.05.0, the SDK suite's marker; 404 before): the seeded
  caches, one per R and Python version of the seeded content, plus one per Python version a deploy used.
  ``DELETE`` with ``{language, version, image_name, dry_run}``: ``dry_run`` answers at once with
  ``task_id: null`` and deletes nothing; otherwise a task deletes the cache. ``state.cache_delete_error``
  (a message) makes those tasks fail (code 1, the cache stays). Unknown language: 400 code 179
  InvalidRuntimeLanguage; no such cache: 404.
* ``POST /v1/system/checks`` starts a run (``requested``, then ``running``, then ``done`` over
  ``CHECK_SECONDS``); ``GET`` lists runs, ``GET /{id}`` one, ``GET /{id}/results`` its results (empty
  until done), ``DELETE /{id}`` removes it (204).
* ``GET /v1/system/storage``: bundle bytes and counts over the uploaded bundles (those with a recorded
  size; seeded bundle ids have none).
"""

import time

from .errors import bad_request, forbidden, not_found
from .jobs import run_task
from . import model
from .model import fmt_time

# Audit actions for the writes below. NOT confirmed: tests/fixtures/connect-api/audit-actions.md could read
# no action name of the System section.
AUDIT_ACTIONS = {
    "delete_runtime_cache": "Delete a runtime package cache.",
    "run_system_checks": "Start a system check run.",
    "delete_system_check": "Delete a system check run.",
}
model.AUDIT_ACTIONS.update(AUDIT_ACTIONS)  # GET /v1/audit/actions lists what the server records
CACHES_SINCE = (2024, 5, 0)
LANGUAGES = {"r": "R", "python": "Python"}
CHECK_SECONDS = 1.0
CHECKS = [  # (group, test, passes)
    ("environment", "hostname", True), ("environment", "disk space", True), ("r", "r-versions", True),
    ("python", "python-versions", True), ("quarto", "quarto-versions", True), ("email", "smtp", False),
]


def _admin(req):
    if req.user["user_role"] != "administrator":
        raise forbidden()


# ------------------------------------------------------------- runtime caches
def note_runtime(state, language, version, image_name="Local"):
    """A runtime a deploy used gets its cache (jobs.deploy_job)."""
    cache = {"language": language, "version": version, "image_name": image_name}
    if cache not in state.runtime_caches:
        state.runtime_caches.append(cache)


def list_caches(req):
    _admin(req)
    return 200, {"caches": [dict(c) for c in req.state.runtime_caches]}


def delete_cache(req):
    _admin(req)
    body = req.json()
    if not isinstance(body, dict) or set(body) - {"language", "version", "image_name", "dry_run"}:
        raise bad_request("InvalidJson", "The body takes language, version, image_name and dry_run only.")
    for field in ("language", "version", "image_name"):
        if not isinstance(body.get(field), str):
            raise bad_request("InvalidJson", f"{field} is required and must be a string.")
    if not isinstance(body.get("dry_run", False), bool):
        raise bad_request("InvalidJson", "dry_run must be true or false.")
    language = LANGUAGES.get(body["language"].lower())
    if language is None:
        raise bad_request("InvalidRuntimeLanguage", "language must be R or Python.")
    state = req.state
    wanted = {"language": language, "version": body["version"], "image_name": body["image_name"]}
    if wanted not in state.runtime_caches:
        raise not_found("The requested runtime cache does not exist.")
    answer = dict(wanted, task_id=None)
    if body.get("dry_run"):
        return 200, answer
    lines = ["Removing runtime cache %s %s (%s)..." % (language, body["version"], body["image_name"])]
    failure = state.cache_delete_error
    lines += ["Error: %s" % failure] if failure else ["Runtime cache removed."]

    def done(task):
        if wanted in state.runtime_caches:
            state.runtime_caches.remove(wanted)

    task = run_task(state, lines, failure=failure and "Unable to remove the runtime cache: %s" % failure, done=done)
    state.record(req.user, "delete_runtime_cache",
                 "Deleted runtime cache %s %s (%s)" % (language, body["version"], body["image_name"]))
    return 200, dict(answer, task_id=task["id"])


# -------------------------------------------------------------- system checks
def _run_out(run):
    elapsed = time.monotonic() - run["started"]
    status = "requested" if elapsed < CHECK_SECONDS / 3 else "running" if elapsed < CHECK_SECONDS else "done"
    done = status == "done"
    return {"id": str(run["id"]), "hostname": run["hostname"], "status": status,
            "start_time": fmt_time(run["start"]),
            "passed": sum(1 for check in CHECKS if check[2]) if done else 0,
            "failed": sum(1 for check in CHECKS if not check[2]) if done else 0}


def _find_run(req, run_id):
    _admin(req)
    for run in req.state.system_checks:
        if str(run["id"]) == run_id:
            return run
    raise not_found("The requested system check run does not exist.")


def list_checks(req):
    _admin(req)
    return 200, [_run_out(r) for r in req.state.system_checks]


def start_checks(req):
    _admin(req)
    body = req.json() or {}
    if not isinstance(body, dict) or set(body) - {"hostname"} or not isinstance(body.get("hostname", ""), (str, type(None))):
        raise bad_request("InvalidJson", "The body takes hostname (a string) only.")
    run = {"id": req.state.next_id("check"), "hostname": body.get("hostname") or "connect-standin",
           "start": int(time.time()), "started": time.monotonic()}
    req.state.system_checks.append(run)
    req.state.record(req.user, "run_system_checks", "Started system check run %d" % run["id"])
    return 200, _run_out(run)


def get_check(req, run_id):
    return 200, _run_out(_find_run(req, run_id))


def check_results(req, run_id):
    run = _run_out(_find_run(req, run_id))
    results = []
    if run["status"] == "done":
        results = [{"group": {"name": group, "args": ""}, "test": {"name": test, "args": ""}, "passed": passed,
                    "output": "ok" if passed else "", "error": "" if passed else "The check did not pass."}
                   for group, test, passed in CHECKS]
    return 200, {"run": run, "results": results}


def delete_check(req, run_id):
    run = _find_run(req, run_id)
    req.state.system_checks.remove(run)
    req.state.record(req.user, "delete_system_check", "Deleted system check run %d" % run["id"])
    return 204, None


# -------------------------------------------------------------------- storage
def storage(req):
    _admin(req)
    state = req.state
    total = active = count = 0
    with_bundles = set()
    for guid, records in state.bundles.items():
        item = state.content.get(guid)
        for bundle in records:
            if bundle["archive"] is None:
                continue  # a seeded bundle id: no recorded size
            count += 1
            total += bundle["size"]
            with_bundles.add(guid)
            if item is not None and item["bundle_id"] == bundle["id"]:
                active += bundle["size"]
    return 200, {"bundles": {"bytes_total": total, "bytes_active": active, "bytes_inactive": total - active,
                             "count": count, "content_count": len(with_bundles)}}


# ----------------------------------------------------------------------- seed
def seed(state):
    """A runtime cache per R and Python version of the seeded deployed content."""
    found = set()
    for item in state.content.values():
        if item["bundle_id"]:
            if item["r_version"]:
                found.add(("R", item["r_version"]))
            if item["py_version"]:
                found.add(("Python", item["py_version"]))
    for language, version in sorted(found):
        note_runtime(state, language, version)


ROUTES = [
    ("GET", r"/v1/system/caches/runtime", list_caches, {"since": CACHES_SINCE}),
    ("DELETE", r"/v1/system/caches/runtime", delete_cache, {"since": CACHES_SINCE}),
    ("GET", r"/v1/system/checks", list_checks, {}),
    ("POST", r"/v1/system/checks", start_checks, {}),
    ("GET", r"/v1/system/checks/(?P<run_id>[^/]+)", get_check, {}),
    ("DELETE", r"/v1/system/checks/(?P<run_id>[^/]+)", delete_check, {}),
    ("GET", r"/v1/system/checks/(?P<run_id>[^/]+)/results", check_results, {}),
    ("GET", r"/v1/system/storage", storage, {}),
]
