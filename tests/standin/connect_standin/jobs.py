"""Jobs, renders, builds and restarts (posit-jobs-api-openapi.yml; the content document's render and build;
the unversioned variant endpoints Posit's SDK uses).

* ``GET /v1/content/{guid}/jobs`` and ``/jobs/{key}``: the recorded keys of a Job. ``/log`` answers
  ``{"entries": [LogEntry]}`` (``maxLogLines`` keeps the last lines), ``/tail`` the newest LogEntry,
  ``/error`` a LoggedError for a failed job (204 otherwise), ``/download`` the log as ``text/plain``.
  ``DELETE /jobs/{key}`` answers a KillJobOrder and ends a running job (409 code 163 InactiveJob when it
  has ended). Owners, collaborators and administrators only (403).
* A deploy (bundles.deploy), a render and a build each start a job tied to their task: the job ends when
  the task ends, with the task's code as its exit code.
* ``POST /v1/content/{guid}/render`` (202 ``{task_id}``): rendered app modes only; the default variant
  gets a new rendering when the task ends. Unversioned, served for Posit's suite:
  ``GET /applications/{guid}/variants`` and ``POST /variants/{id}/render`` (answers the task itself).
* ``POST /v1/content/{guid}/build`` (200 ``{task_id}``): rebuilds a bundle (default: the most recently
  uploaded one, else the active one) and activates it unless ``activate`` is false.
* Restart: an environment change ends the item's running processes (``end_processes``, called by
  environment.py); a visit to the content's URL records a visit (a hit) and starts a process for
  interactive content (``visit_content``, called by server.py).

The exit code of a process ended by a kill or a restart (``TERMINATED``) is the stand-in's choice.
"""

import base64
import hashlib
import math
import random
import re
import threading
import time

from . import bundles
from .errors import APIError, bad_request, not_found
from . import model
from .model import GUID, fmt_time, label, make_guid

# Audit actions for the writes below. NOT confirmed: tests/fixtures/connect-api/audit-actions.md could read
# no action name for jobs, renders or builds.
AUDIT_ACTIONS = {
    "kill_job": "Kill a content job.",
    "render_application": "Render a content item.",
    "build_application": "Build a bundle of a content item.",
}
model.AUDIT_ACTIONS.update(AUDIT_ACTIONS)  # GET /v1/audit/actions lists what the server records

# Interactive app modes and the tag of their processes (the Job schema's tag list).
RUN_TAGS = {
    "shiny": "run_app", "rmd-shiny": "render_shiny", "quarto-shiny": "render_shiny", "api": "run_api",
    "python-api": "run_python_api", "python-fastapi": "run_fastapi_app", "python-dash": "run_dash_app",
    "python-streamlit": "run_streamlit", "python-bokeh": "run_bokeh_app", "python-panel": "run_panel_app",
    "python-shiny": "run_pyshiny_app", "python-gradio": "run_gradio_app", "tensorflow-saved-model": "run_tensorflow",
    "jupyter-voila": "run_voila_app",
}
RENDER_TAGS = {"rmd-static": "build_report", "quarto-static": "build_report", "jupyter-static": "build_jupyter"}
TERMINATED = 143            # exit code of a process ended by a kill order or a restart (128 + SIGTERM)
HOSTNAME = "connect-standin"
HELP_URL = "https://docs.posit.co/connect/user/troubleshooting/"
CONTENT_PATH = re.compile(r"^/content/(?P<guid>[0-9A-Fa-f-]{36})(?P<rest>/.*)?$")
JOB_PATH = rf"/v1/content/{GUID}/jobs/(?P<key>[^/]+)"
DAY = 86400


# ------------------------------------------------------------------- records
def _key(*parts):
    """A 16-character job key like Connect's (letters and digits), derived from parts."""
    digest = hashlib.blake2b(":".join(str(p) for p in parts).encode(), digest_size=12).digest()
    return base64.b64encode(digest).decode().translate(_KEY_LETTERS)


_KEY_LETTERS = str.maketrans("+/", "xZ")


def render_tag(item):
    if item["app_mode"] == "quarto-static" and item["content_category"] == "site":
        return "build_site"
    return RENDER_TAGS.get(item["app_mode"], "unknown")


def restore_tag(item, manifest=None):
    """The tag of the job that restores an item's environment, or None when it has no R or Python."""
    manifest = manifest or {}
    if "python" in manifest or (not manifest and item["py_version"]):
        return "python_restore"
    if "packages" in manifest or "platform" in manifest or (not manifest and item["r_version"]):
        return "packrat_restore"
    return None


def add_job(state, item, tag, start, end=None, exit_code=0, queued=None, lines=(), error=None, task=None,
            bundle_id=None):
    """Store a job of an item: running when end is None (and no task ends it). bundle_id: default the active one."""
    number = state.next_id("job")
    variant = state.variants.get(item["guid"])
    pid = str(2000 + number * 7 % 30000)
    job = {"id": number, "key": _key(state.seed_name, "job", number), "content_guid": item["guid"],
           "app_id": item["id"], "variant_id": str(variant["id"]) if variant else "0",
           "bundle_id": bundle_id or item["bundle_id"] or "", "pid": pid, "tag": tag, "start": int(start),
           "end": None if end is None else int(end), "exit_code": None if end is None else exit_code,
           "queued": queued, "run_as": item["run_as"] or "rstudio-connect", "cluster": item["cluster_name"],
           "image": item["image_name"], "task": task, "error": error,
           "log": [("stdout", int(start), line) for line in lines]}
    state.jobs.setdefault(item["guid"], []).append(job)
    return job


def _settle(job):
    """A job tied to a task ends when the task does."""
    task = job["task"]
    if job["end"] is None and task is not None and task["finished"]:
        job.update(end=job["start"] + max(1, math.ceil(task["seconds"])), exit_code=task["code"],
                   log=[("stdout", job["start"], line) for line in task["lines"]])
        if task["code"]:
            job["error"] = task["error"]
            job["log"].append(("stderr", job["end"], task["error"]))


def _end(job, line):
    job.update(end=max(job["start"], int(time.time())), exit_code=TERMINATED)
    job["log"].append(("stderr", job["end"], line))


def job_out(job):
    _settle(job)
    running = job["end"] is None
    return {
        "id": str(job["id"]), "ppid": job["pid"], "pid": job["pid"], "key": job["key"], "remote_id": None,
        "app_id": job["app_id"], "variant_id": job["variant_id"], "bundle_id": job["bundle_id"],
        "start_time": fmt_time(job["start"]), "end_time": None if running else fmt_time(job["end"]),
        "last_heartbeat_time": fmt_time(int(time.time()) if running else job["end"]),
        "queued_time": fmt_time(job["queued"]) if job["queued"] is not None else None,
        "queue_name": "default" if job["queued"] is not None else None,
        "tag": job["tag"], "exit_code": job["exit_code"], "status": 0 if running else 1,
        "hostname": HOSTNAME, "cluster": job["cluster"], "image": job["image"], "run_as": job["run_as"],
    }


def running(state, item):
    out = []
    for job in state.jobs.get(item["guid"], []):
        _settle(job)
        if job["end"] is None:
            out.append(job)
    return out


# --------------------------------------------------------------------- tasks
def run_task(state, lines, failure=None, done=None, seconds=None):
    """A task shaped like a deploy's (bundles.get_task reads it): its lines appear over `seconds`; when it
    ends it fails with `failure`, or `done(task)` runs under the model's lock. Its length: `seconds`, else the
    stand-in's `task_seconds` option (timing only, for benchmarks), else LINE_SECONDS a line."""
    if seconds is None:
        seconds = getattr(state, "task_seconds", None)
    seconds = bundles.LINE_SECONDS * len(lines) if seconds is None else float(seconds)
    task = {"id": "S%015d" % state.next_id("task"), "lines": list(lines), "started": time.monotonic(),
            "seconds": seconds, "finished": False, "code": 0, "error": ""}
    state.tasks[task["id"]] = task

    def finish():
        with state.lock:
            task["finished"] = True
            if failure:
                task.update(code=1, error=failure)
            elif done is not None:
                done(task)

    timer = threading.Timer(seconds, finish)
    timer.daemon = True
    timer.start()
    return task


def task_out(task):
    """A task as GET /v1/tasks/{id} shows it right after it starts."""
    return {"id": task["id"], "output": [], "result": None, "finished": task["finished"], "code": task["code"],
            "error": task["error"], "last": 0}


def deploy_job(state, item, bundle, task):
    """The job of a deploy (bundles.deploy): it restores the environment, or renders a document."""
    from . import system  # system imports this module
    manifest = bundle["manifest"]
    mode = (manifest.get("metadata") or {}).get("appmode") or item["app_mode"]
    python = manifest.get("python")
    if isinstance(python, dict) and isinstance(python.get("version"), str):
        system.note_runtime(state, "Python", python["version"])
    tag = restore_tag(item, manifest) or render_tag(dict(item, app_mode=mode))
    return add_job(state, item, tag, int(time.time()), task=task, bundle_id=bundle["id"])


# ------------------------------------------------------------------ variants
def variant_of(state, item):
    """The default variant of a deployed rendered item (made on first use); None for other items."""
    if item["app_mode"] not in RENDER_TAGS or not item["bundle_id"]:
        return None
    variant = state.variants.get(item["guid"])
    if variant is None:
        variant = {"id": int(item["id"]), "app_id": int(item["id"]), "key": f"v{item['id']:0>7}",
                   "rendering_id": int(item["id"]) * 10 + 1, "render_time": item["last_deployed_time"],
                   "created_time": item["last_deployed_time"], "render_duration": 5_000_000_000}
        state.variants[item["guid"]] = variant
    return variant


def _variant_out(item, variant):
    """The recorded keys of an entry of GET /applications/{guid}/variants."""
    return {"id": variant["id"], "app_id": variant["app_id"], "key": variant["key"], "bundle_id": int(item["bundle_id"]),
            "is_default": True, "name": "default", "email_collaborators": False, "email_viewers": False,
            "email_all": False, "created_time": fmt_time(variant["created_time"]),
            "rendering_id": variant["rendering_id"], "render_time": fmt_time(variant["render_time"]),
            "render_duration": variant["render_duration"], "visibility": "public", "owner_id": 0}


def list_variants(req, guid):
    item = bundles._item(req, guid)
    variant = variant_of(req.state, item)
    return 200, [_variant_out(item, variant)] if variant else []


def _render(req, item, variant):
    """Start a render task of an item's default variant and its job; answers the task."""
    state, user = req.state, req.user
    if not state.can_edit(user, item):
        raise APIError(403, "PermissionDenied", "You do not have permission to render this content.")
    if variant is None:
        if not item["bundle_id"]:
            raise bad_request("BundleMissing", "The content item has no deployed bundle to render.")
        raise bad_request("InvalidAppMode", f"Content of app mode {item['app_mode']!r} cannot be rendered.")
    lines = ["Building static content...", "Rendering %s" % variant["key"], "Launching static content..."]

    def done(task):
        variant.update(rendering_id=state.next_id("rendering"), render_time=int(time.time()))

    task = run_task(state, lines, done=done)
    add_job(state, item, render_tag(item), int(time.time()), task=task)
    state.record(user, "render_application", f"Rendered content {label(item)}")
    return task


def render_content(req, guid):
    item = bundles._item(req, guid)
    body = req.json() or {}
    if not isinstance(body, dict) or set(body) - {"variant_key"}:
        raise bad_request("InvalidJson", "The body takes variant_key only.")
    variant = variant_of(req.state, item)
    if body.get("variant_key") is not None and (variant is None or body["variant_key"] != variant["key"]):
        raise not_found("The requested variant does not exist.")
    return 202, {"task_id": _render(req, item, variant)["id"]}


def render_variant(req, variant_id):
    """Unversioned POST /variants/{id}/render, served for Posit's suite: answers the task. A default
    variant's id is its item's id."""
    found = next((c for c in req.state.content.values() if c["id"] == variant_id), None)
    variant = variant_of(req.state, found) if found else None
    if variant is None:
        raise not_found("The requested variant does not exist.")
    return 200, task_out(_render(req, bundles._item(req, found["guid"]), variant))


# --------------------------------------------------------------------- build
def build_content(req, guid):
    item = bundles._item(req, guid, edit=True)
    body = req.json() or {}
    if not isinstance(body, dict) or set(body) - {"bundle_id", "activate"}:
        raise bad_request("InvalidJson", "The body takes bundle_id and activate only.")
    state, user = req.state, req.user
    if body.get("bundle_id") is not None:
        bundle = bundles._find_bundle(state, item, body["bundle_id"])
    else:
        known = bundles._bundles(state, item)
        if not known:
            raise bad_request("BundleMissing", "The content item has no bundle to build.")
        bundle = known[-1]
    manifest = bundle["manifest"]
    failure = (manifest.get("standin") or {}).get("fail")
    lines = ["Building bundle %s..." % bundle["id"]] + ["Restoring environment: step %d" % n for n in range(1, 4)]
    lines += ["Error: %s" % failure] if failure else ["Build completed."]

    def done(task):
        if body.get("activate") is not False and item["guid"] in state.content:
            item["bundle_id"] = bundle["id"]

    task = run_task(state, lines, failure=failure and "Unable to build: %s" % failure, done=done)
    add_job(state, item, restore_tag(item, manifest) or render_tag(item), int(time.time()), task=task,
            bundle_id=bundle["id"])
    state.record(user, "build_application", f"Built bundle {bundle['id']} of content {label(item)}")
    return 200, {"task_id": task["id"]}


# ---------------------------------------------------------------------- jobs
def _find_job(req, guid, key):
    item = bundles._item(req, guid, edit=True)
    for job in req.state.jobs.get(item["guid"], []):
        if job["key"] == key:
            return item, job
    raise not_found("The requested job does not exist.")


def list_jobs(req, guid):
    item = bundles._item(req, guid, edit=True)
    return 200, [job_out(j) for j in req.state.jobs.get(item["guid"], [])]


def get_job(req, guid, key):
    return 200, job_out(_find_job(req, guid, key)[1])


def _entries(job):
    _settle(job)
    return [{"source": source, "timestamp": fmt_time(when), "data": data} for source, when, data in job["log"]]


def job_log(req, guid, key):
    from .api import int_param  # api imports this module
    job = _find_job(req, guid, key)[1]
    limit = int_param(req, "maxLogLines", 0, 0)
    entries = _entries(job)
    return 200, {"entries": entries[-limit:] if limit else entries}


def job_tail(req, guid, key):
    """The newest log entry (Connect streams the log; the stand-in answers once)."""
    entries = _entries(_find_job(req, guid, key)[1])
    return 200, entries[-1] if entries else {"source": "stdout", "timestamp": None, "data": ""}


def job_error(req, guid, key):
    job = _find_job(req, guid, key)[1]
    _settle(job)
    if not job["error"]:
        return 204, None
    return 200, {"code": "E%d" % (job["exit_code"] or 1), "summary": job["error"], "help_url": HELP_URL}


class LogFile(bytes):
    """A job's log as GET .../jobs/{key}/download sends it."""
    content_type = "text/plain; charset=utf-8"


def job_download(req, guid, key):
    job = _find_job(req, guid, key)[1]
    return 200, LogFile("".join(f"{e['timestamp']} [{e['source']}] {e['data']}\n" for e in _entries(job)).encode())


def kill_job(req, guid, key):
    item, job = _find_job(req, guid, key)
    _settle(job)
    if job["end"] is not None:
        raise APIError(409, "InactiveJob", "The job has already finished.")
    _end(job, "Killed by an order of %s." % req.user["username"])
    req.state.record(req.user, "kill_job", f"Killed job {job['key']} of content {label(item)}")
    return 200, {"guid": make_guid(req.state.seed_name, "kill", job["key"]), "app_id": int(item["id"]),
                 "app_guid": item["guid"], "content_id": item["id"], "content_guid": item["guid"],
                 "job_id": job["id"], "job_key": job["key"], "result": "Order to kill job registered"}


# ------------------------------------------------------------------- restart
def end_processes(state, item):
    """An environment change restarts the item: its running processes end (environment.py)."""
    for job in running(state, item):
        if job["task"] is None:
            _end(job, "Stopping process: the environment changed.")


def visit_content(state, path, authorization, user_agent):
    """A request for a content URL (/content/{guid}/...), called by server.py: a visitor who may see a deployed
    item leaves a visit (a hit); interactive content without a running process starts one."""
    match = CONTENT_PATH.match(path or "")
    if not match:
        return
    with state.lock:
        item = state.content.get(match.group("guid").lower())
        if item is None or not item["bundle_id"]:
            return
        scheme, _space, key = (authorization or "").partition(" ")
        guid = state.keys.get(key.strip()) if scheme.lower() == "key" else None
        user = state.users.get(guid) if guid else None
        # An administrator who is not a viewer may read the item's settings but not view the item itself (the
        # content document's app_role "none"), so the visit starts nothing.
        if user is not None and (user["locked"] or state.content_role(user, item) is None):
            return
        if user is None and item["access_type"] != "all":
            return  # Connect answers its login page; nothing is recorded
        now = int(time.time())
        variant = variant_of(state, item)
        state.visits.append({
            "id": state.next_id("visit"), "content_guid": item["guid"], "user_guid": user["guid"] if user else None,
            "variant_key": variant["key"] if variant else None,
            "rendering_id": str(variant["rendering_id"]) if variant else None, "bundle_id": item["bundle_id"],
            "time": now, "data_version": 3, "path": match.group("rest") or "/", "user_agent": user_agent or None,
        })
        if item["app_mode"] in RUN_TAGS and not any(j["task"] is None for j in running(state, item)):
            add_job(state, item, RUN_TAGS[item["app_mode"]], now, lines=["Starting process...", "Listening."])


# ---------------------------------------------------------------------- seed
def seed(state):
    """Jobs of the seeded deployed items (their own random.Random, so other seeded data is unchanged): a
    restore job at the last deploy, renders of documents, and processes of interactive content (some
    running, some ended, a few failed). The bench seed stays lean: no seeded jobs."""
    if state.seed_name == "bench":
        return
    rng = random.Random(f"{state.seed_name}:jobs")
    now = state.now
    for item in list(state.content.values()):
        if not item["bundle_id"]:
            continue
        deployed = item["last_deployed_time"]
        tag = restore_tag(item)
        if tag:
            add_job(state, item, tag, deployed, deployed + rng.randint(20, 300),
                    lines=["Bundle requested: %s" % item["bundle_id"], "Restoring environment...", "Done."])
        if item["app_mode"] in RENDER_TAGS:
            variant_of(state, item)
            start = min(max(deployed + 300, now - rng.randint(1, 20) * DAY), now - 3600)
            add_job(state, item, render_tag(item), start, start + rng.randint(10, 200),
                    lines=["Rendering document...", "Output created."])
        elif item["app_mode"] in RUN_TAGS:
            start = min(max(deployed + 300, now - rng.randint(1, 10) * DAY), now - 3600)
            if rng.random() < 0.2:
                add_job(state, item, RUN_TAGS[item["app_mode"]], start, start + 5, exit_code=1,
                        lines=["Starting process..."], error="The process exited with status 1 during startup.")
                start += 600
            if rng.random() < 0.6:
                add_job(state, item, RUN_TAGS[item["app_mode"]], start,
                        lines=["Starting process...", "Listening."])
            else:
                add_job(state, item, RUN_TAGS[item["app_mode"]], start, start + rng.randint(600, 7200),
                        lines=["Starting process...", "Listening.", "Idle timeout: stopping."])


ROUTES = [
    ("GET", rf"/v1/content/{GUID}/jobs", list_jobs, {}),
    ("GET", JOB_PATH, get_job, {}),
    ("DELETE", JOB_PATH, kill_job, {}),
    ("GET", JOB_PATH + "/log", job_log, {}),
    ("GET", JOB_PATH + "/tail", job_tail, {}),
    ("GET", JOB_PATH + "/error", job_error, {}),
    ("GET", JOB_PATH + "/download", job_download, {}),
    ("POST", rf"/v1/content/{GUID}/render", render_content, {}),
    ("POST", rf"/v1/content/{GUID}/build", build_content, {}),
    # unversioned, served for Posit's suite
    ("GET", rf"/applications/{GUID}/variants", list_variants, {}),
    ("POST", r"/variants/(?P<variant_id>[^/]+)/render", render_variant, {}),
]
