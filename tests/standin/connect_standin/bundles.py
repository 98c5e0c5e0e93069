"""Bundles, deploys, tasks and git repositories (the bundles, tasks and content OpenAPI documents).

* ``POST /v1/content/{guid}/bundles`` takes a raw ``.tar.gz`` body, computes
  ``archive_md5``/``archive_sha1`` and refuses (400) a body that is not a gzip
  compressed tar (code 135 BundleExtract) or holds no top-level
  ``manifest.json`` (code 38 InvalidManifest); git-backed content refuses
  uploads (code 144).
* ``POST /v1/content/{guid}/deploy`` answers 202 ``{task_id}`` and runs a task
  whose output lines appear over time (``LINE_SECONDS`` apart); when it ends
  the bundle becomes active (the item's ``bundle_id``, ``app_mode``,
  ``last_deployed_time``).  A manifest with ``"standin": {"fail": "why"}``
  fails the build (code 1, the bundle is not activated); ``"standin":
  {"seconds": N}`` makes the build take N seconds.
* ``GET /v1/tasks/{id}?first=&wait=`` returns the lines from ``first`` and
  waits up to ``wait`` seconds for the task to finish (without holding the
  model's lock).
* ``/v1/content/{guid}/repository``: GET (404 when none), PUT, PATCH, DELETE.

Items seeded with a ``bundle_id`` but no uploaded archive get a bundle record
with null hashes (as Connect shows bundles uploaded before the hashes existed).
"""

import gzip
import hashlib
import io
import json
import tarfile
import threading
import time

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from . import packages, shapes
from .errors import APIError, bad_request, forbidden, not_found
from .model import GUID, INSTALLED, fmt_time

LINE_SECONDS = 0.03


class Binary(bytes):
    """A non-JSON answer (a bundle download): the server sends it as is, with this content type."""
    content_type = "application/gzip"


def _item(req, guid, edit=False):
    item = req.state.find_content(req.user, guid)
    if edit and not req.state.can_edit(req.user, item):
        raise forbidden()
    return item


def _bundles(state, item):
    """The item's bundles (oldest first), with a record for a seeded bundle_id that was never uploaded."""
    stored = state.bundles.setdefault(item["guid"], [])
    if item["bundle_id"] and not any(b["id"] == item["bundle_id"] for b in stored):
        stored.insert(0, {"id": item["bundle_id"], "content_guid": item["guid"], "created_by": item["owner_guid"],
                          "created_time": item["last_deployed_time"], "size": 0, "archive": None, "manifest": {},
                          "metadata": dict(source=None, source_repo=None, source_branch=None, source_commit=None,
                                           archive_md5=None, archive_sha1=None)})
    return stored


def _bundle_out(req, item, bundle):
    out = {"id": bundle["id"], "content_guid": bundle["content_guid"], "created_by": bundle["created_by"],
           "created_time": fmt_time(bundle["created_time"]), "environment_guid": None, "cluster_name": "Local",
           "image_name": "Local", "r_version": item.get("r_version"), "r_environment_management": None,
           "py_version": item.get("py_version"), "py_environment_management": None,
           "quarto_version": item.get("quarto_version"), "active": item["bundle_id"] == bundle["id"],
           "size": bundle["size"], "metadata": dict(bundle["metadata"])}
    return shapes.gate("bundle", out, req.settings["version_tuple"])


def _find_bundle(state, item, bundle_id):
    for bundle in _bundles(state, item):
        if bundle["id"] == str(bundle_id):
            return bundle
    raise not_found("The requested bundle does not exist.")


def list_bundles(req, guid):
    from .api import bool_param, int_param  # api imports this module
    item = _item(req, guid)
    page_number = int_param(req, "page_number", 1, 1)
    page_size = int_param(req, "page_size", 20, 1, 500)
    found = sorted(_bundles(req.state, item), key=lambda b: int(b["id"]),
                   reverse=not bool_param(req, "asc_order", False))  # newest first, as the reference says
    start = (page_number - 1) * page_size
    return 200, [_bundle_out(req, item, b) for b in found[start:start + page_size]]


def get_bundle(req, guid, bundle_id):
    item = _item(req, guid)
    return 200, _bundle_out(req, item, _find_bundle(req.state, item, bundle_id))


def _open(archive):
    return tarfile.open(fileobj=io.BytesIO(gzip.decompress(archive)), mode="r:")


def _member(archive, name):
    """The bytes of a top-level file of a bundle archive, or None."""
    with _open(archive) as tar:
        names = {member.lstrip("./"): member for member in tar.getnames()}
        if name not in names:
            return None
        handle = tar.extractfile(names[name])
        return handle.read() if handle is not None else None


def _manifest(archive):
    """The manifest.json of a .tar.gz (400 when it is not one or has none)."""
    try:
        data = _member(archive, "manifest.json")
        if data is None:
            raise bad_request("InvalidManifest", "The bundle does not contain a manifest.json file at its root.")
    except (OSError, EOFError, tarfile.TarError, gzip.BadGzipFile):
        raise bad_request("BundleExtract", "The uploaded archive is not a gzip compressed tar file.") from None
    try:
        manifest = json.loads(data)
    except ValueError:
        raise bad_request("InvalidManifest", "manifest.json is not valid JSON.") from None
    if not isinstance(manifest, dict):
        raise bad_request("InvalidManifest", "manifest.json must hold a JSON object.")
    return manifest


def upload_bundle(req, guid):
    item = _item(req, guid, edit=True)
    if req.user["user_role"] == "viewer":
        raise forbidden()
    if item["guid"] in req.state.repositories:
        raise bad_request("NoBundleUploadForGitManagedApp", "Bundles cannot be uploaded to git-backed content.")
    archive = req.body or b""
    manifest = _manifest(archive)
    bundle = {"id": str(req.state.next_id("bundle")), "content_guid": item["guid"], "created_by": req.user["guid"],
              "created_time": int(time.time()), "size": len(archive), "archive": archive, "manifest": manifest,
              "metadata": dict(source=None, source_repo=None, source_branch=None, source_commit=None,
                               archive_md5=hashlib.md5(archive).hexdigest(),
                               archive_sha1=hashlib.sha1(archive).hexdigest())}
    _bundles(req.state, item).append(bundle)
    return 200, _bundle_out(req, item, bundle)


def delete_bundle(req, guid, bundle_id):
    item = _item(req, guid, edit=True)
    bundle = _find_bundle(req.state, item, bundle_id)
    if item["bundle_id"] == bundle["id"]:
        raise bad_request("DeleteActiveBundle", "The active bundle of a content item cannot be deleted.")
    req.state.bundles[item["guid"]].remove(bundle)
    return 204, None


def download_bundle(req, guid, bundle_id):
    item = _item(req, guid, edit=True)
    bundle = _find_bundle(req.state, item, bundle_id)
    if bundle["archive"] is None:
        raise not_found("The bundle archive is not on disk.")
    return 200, Binary(bundle["archive"])


# ----------------------------------------------------------------- deploys
def deploy(req, guid):
    item = _item(req, guid, edit=True)
    body = req.json() or {}
    if not isinstance(body, dict) or set(body) - {"bundle_id", "activate"}:
        raise bad_request("InvalidJson", "The body takes bundle_id and activate only.")
    bundles = [b for b in _bundles(req.state, item) if b["archive"] is not None]
    if body.get("bundle_id") is None:
        if not bundles:
            raise bad_request("BundleMissing", "The content item has no bundle to deploy.")
        bundle = bundles[-1]
    else:
        bundle = _find_bundle(req.state, item, body["bundle_id"])
    state, user = req.state, req.user
    options = bundle["manifest"].get("standin") or {}
    mode = (bundle["manifest"].get("metadata") or {}).get("appmode") or "static"
    runtime, failure = _runtime(bundle)
    lines = ["Building %s content..." % mode, "Bundle requested: %s" % bundle["id"],
             "Unpacking bundle: %d bytes" % bundle["size"], "Found manifest.json (appmode %s)" % mode]
    lines += ["Restoring environment: step %d" % n for n in range(1, 4)]
    failure = options.get("fail") or failure
    lines += ["Error: %s" % failure] if failure else ["Launching %s content..." % mode, "Deployment completed."]
    seconds = float(options.get("seconds", LINE_SECONDS * len(lines)))
    task = {"id": "T%015d" % state.next_id("bundle"), "lines": lines, "started": time.monotonic(),
            "seconds": seconds, "finished": False, "code": 0, "error": ""}
    state.tasks[task["id"]] = task
    from .jobs import deploy_job  # jobs imports this module
    deploy_job(state, item, bundle, task)

    def finish():
        with state.lock:
            task["finished"] = True
            if failure:
                task.update(code=1, error="Unable to deploy: %s" % failure)
                return
            if body.get("activate", True) is not False and item["guid"] in state.content:
                item.update(runtime["fields"], bundle_id=bundle["id"], app_mode=mode, last_deployed_time=int(time.time()))
                state.packages[item["guid"]] = [packages.row(item, language, name, version)
                                                for language, name, version in runtime["packages"]]
                state.record(user, "deploy_application", "Deployed bundle %s to content '%s' (%s) [%s]"
                             % (bundle["id"], item.get("title") or item["name"], item["name"], item["guid"]))

    timer = threading.Timer(seconds, finish)
    timer.daemon = True
    timer.start()
    return 202, {"task_id": task["id"]}


def _match(language, wanted):
    """The installed version of a language a manifest's version resolves to (same major.minor, the newest), or None."""
    prefix = ".".join(str(wanted).split(".")[:2]) + "."
    found = [v for v in INSTALLED[language] if v.startswith(prefix)]
    return found[-1] if found else None


def _runtime(bundle):
    """What deploying a bundle does, from its manifest: ({"fields": item fields, "packages": [(language, name,
    version)]}, failure message or None).  Python and Quarto resolve to an installed version of the same
    major.minor (else the build fails), R to the nearest installed version; the Python packages recorded are
    the package file's pinned ones under their normalized names (Connect records everything it installed),
    the R ones the manifest's."""
    manifest = bundle["manifest"]
    fields, rows = {}, []
    python = manifest.get("python") if isinstance(manifest.get("python"), dict) else None
    if python is not None:
        version = _match("python", python.get("version", ""))
        if version is None:
            return {}, "Python %s is not installed (installed: %s)." % (python.get("version"), ", ".join(INSTALLED["python"]))
        fields.update(py_version=version, py_environment_management=True)
        package_file = ((python.get("package_manager") or {}).get("package_file")) or "requirements.txt"
        data = _member(bundle["archive"], package_file) if bundle["archive"] else None
        if data is None:
            return {}, "The bundle has no %s to restore the Python environment from." % package_file
        for line in data.decode("utf-8", "replace").splitlines():
            try:
                requirement = Requirement(line.split("#")[0].strip())
            except InvalidRequirement:
                continue
            pinned = [spec.version for spec in requirement.specifier if spec.operator == "=="]
            if pinned:
                rows.append(("python", canonicalize_name(requirement.name), pinned[0]))
    if manifest.get("platform"):
        installed = INSTALLED["r"]
        fields.update(r_version=_match("r", manifest["platform"]) or installed[-1], r_environment_management=True)
        for name, package in sorted((manifest.get("packages") or {}).items()):
            version = ((package or {}).get("description") or {}).get("Version")
            if version:
                rows.append(("r", name, str(version)))
    quarto = manifest.get("quarto") if isinstance(manifest.get("quarto"), dict) else None
    if quarto is not None:
        version = _match("quarto", quarto.get("version", ""))
        if version is None:
            return {}, "Quarto %s is not installed (installed: %s)." % (quarto.get("version"), ", ".join(INSTALLED["quarto"]))
        fields["quarto_version"] = version
    return {"fields": fields, "packages": rows}, None


def get_task(req, task_id):
    from .api import int_param
    task = req.state.tasks.get(task_id)
    if task is None:
        raise APIError(404, "TaskDoesNotExist", "The task does not exist.")
    first = int_param(req, "first", 0, 0)
    wait = int_param(req, "wait", 0, 0)
    if wait and not task["finished"]:
        req.state.lock.release()  # the handler holds the model's lock once: let others in while waiting
        try:
            # Connect answers when the task finishes, or when `wait` seconds have passed: wait for the task's own
            # end (its timer may run late on a busy machine), not for the time it was planned to take.
            deadline = time.monotonic() + wait
            while not task["finished"] and time.monotonic() < deadline:
                time.sleep(min(0.01, max(0.0, deadline - time.monotonic())))
        finally:
            req.state.lock.acquire()
    elapsed = time.monotonic() - task["started"]
    shown = task["lines"] if task["finished"] else \
        task["lines"][:min(len(task["lines"]) - 1, int(len(task["lines"]) * elapsed / max(task["seconds"], 1e-6)))]
    return 200, {"id": task["id"], "output": shown[first:], "result": None, "finished": task["finished"],
                 "code": task["code"], "error": task["error"], "last": len(shown)}


# ------------------------------------------------------------- repositories
REPOSITORY_FIELDS = {"repository": str, "branch": str, "directory": str, "polling": bool}


def _repository_body(req):
    body = req.json_object(REPOSITORY_FIELDS)
    if "repository" in body and not body["repository"].startswith(("https://", "http://")):
        raise bad_request("GitUnsupportedProtocol", "Only http(s) git repositories are supported.")
    return body


def _repository_out(req, repo):
    out = {k: v for k, v in repo.items() if k != "fetched"}
    out.update(last_error="", last_known_commit="0" * 40, last_fetched_time=fmt_time(repo["fetched"]))
    return shapes.gate("repository", out, req.settings["version_tuple"])


def get_repository(req, guid):
    item = _item(req, guid)
    repo = req.state.repositories.get(item["guid"])
    if repo is None:
        raise APIError(404, "AppIsNotGitManaged", "This content is not git-backed.")
    return 200, _repository_out(req, repo)


def put_repository(req, guid):
    item = _item(req, guid, edit=True)
    body = _repository_body(req)
    if "repository" not in body:
        raise bad_request("InvalidParameter", "repository is required.")
    repo = dict(branch="main", directory=".", polling=False, fetched=int(time.time()))
    repo.update(body)
    req.state.repositories[item["guid"]] = repo
    return 200, _repository_out(req, repo)


def patch_repository(req, guid):
    item = _item(req, guid, edit=True)
    body = _repository_body(req)
    repo = req.state.repositories.get(item["guid"])
    if repo is None:
        raise APIError(404, "AppIsNotGitManaged", "This content is not git-backed.")
    repo.update(body)
    return 200, _repository_out(req, repo)


def delete_repository(req, guid):
    item = _item(req, guid, edit=True)
    if req.state.repositories.pop(item["guid"], None) is None:
        raise APIError(404, "AppIsNotGitManaged", "This content is not git-backed.")
    return 204, None


BUNDLE = rf"/v1/content/{GUID}/bundles/(?P<bundle_id>[^/]+)"
ROUTES = [
    ("GET", rf"/v1/content/{GUID}/bundles", list_bundles, {}),
    ("POST", rf"/v1/content/{GUID}/bundles", upload_bundle, {}),
    ("GET", BUNDLE, get_bundle, {}),
    ("DELETE", BUNDLE, delete_bundle, {}),
    ("GET", BUNDLE + "/download", download_bundle, {}),
    ("POST", rf"/v1/content/{GUID}/deploy", deploy, {}),
    ("GET", r"/v1/tasks/(?P<task_id>[^/]+)", get_task, {}),
    ("GET", rf"/v1/content/{GUID}/repository", get_repository, {}),
    ("PUT", rf"/v1/content/{GUID}/repository", put_repository, {}),
    ("PATCH", rf"/v1/content/{GUID}/repository", patch_repository, {}),
    ("DELETE", rf"/v1/content/{GUID}/repository", delete_repository, {}),
]
