"""The stand-in's bundles, deploys, tasks and repositories, against the copied OpenAPI documents."""

import datetime
import gzip
import hashlib
import io
import json
import sys
import tarfile
import time
from pathlib import Path

import pytest
import requests
import yaml
from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "standin"))
from connect_standin import StandIn  # noqa: E402
from connect_standin.errors import CODES  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "connect-api" / "openapi"  # copies of the reference (see SOURCE.md there)
DOCUMENTS = {"bundles": "posit-bundles-api-openapi.yml", "tasks": "posit-tasks-api-openapi.yml",
             "content": "posit-content-api-openapi.yml"}
_LOADED = {}
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _rfc3339(value):
    return not isinstance(value, str) or bool(datetime.datetime.fromisoformat(value).tzinfo)


def conforms(response, document, path, method="GET"):
    if document not in _LOADED:
        _LOADED[document] = yaml.load((FIXTURES / DOCUMENTS[document]).read_text(),
                                      Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    doc = _LOADED[document]
    responses = doc["paths"][path][method.lower()]["responses"]
    found = responses[str(response.status_code)]["content"]["application/json"]["schema"]
    validator = Draft202012Validator(dict(found, components=doc["components"]), format_checker=FORMATS)
    errors = list(validator.iter_errors(response.json()))
    assert not errors, "%s %s: %s" % (method, path, errors[0].message)
    return response.json()


def archive(files, gz=True):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(buffer.getvalue()) if gz else buffer.getvalue()


def manifest(**standin):
    return json.dumps({"version": 1, "metadata": {"appmode": "static"}, "standin": standin})


@pytest.fixture
def server():
    with StandIn() as standin:
        yield standin


class Api:
    def __init__(self, server, who="admin"):
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.headers["Authorization"] = "Key %s" % server.keys[who]
        self.base = server.url + "/__api__"

    def __call__(self, method, path, **kwargs):
        return self.session.request(method, self.base + path, timeout=10, **kwargs)


def error(response, status, name):
    assert response.status_code == status, response.text
    assert response.json()["code"] == CODES[name]


def new_item(api, name="bundle-test"):
    return api("POST", "/v1/content", json={"name": name}).json()["guid"]


def test_upload_hashes_the_archive_and_lists_it(server):
    api = Api(server)
    guid = new_item(api)
    data = archive({"manifest.json": manifest(), "index.html": "<p>hi</p>"})
    bundle = conforms(api("POST", "/v1/content/%s/bundles" % guid, data=data,
                          headers={"Content-Type": "application/gzip"}), "bundles", "/v1/content/{guid}/bundles", "POST")
    assert bundle["metadata"]["archive_sha1"] == hashlib.sha1(data).hexdigest()
    assert bundle["metadata"]["archive_md5"] == hashlib.md5(data).hexdigest()
    assert bundle["size"] == len(data) and bundle["active"] is False
    listed = conforms(api("GET", "/v1/content/%s/bundles" % guid), "bundles", "/v1/content/{guid}/bundles")
    assert [b["id"] for b in listed] == [bundle["id"]]
    one = conforms(api("GET", "/v1/content/%s/bundles/%s" % (guid, bundle["id"])), "bundles",
                   "/v1/content/{guid}/bundles/{id}")
    assert one == bundle
    download = api("GET", "/v1/content/%s/bundles/%s/download" % (guid, bundle["id"]))
    assert download.headers["Content-Type"] == "application/gzip" and download.content == data


def test_upload_refuses_what_is_not_a_bundle(server):
    api = Api(server)
    guid = new_item(api)
    path = "/v1/content/%s/bundles" % guid
    error(api("POST", path, data=b"just text"), 400, "BundleExtract")
    error(api("POST", path, data=archive({"manifest.json": manifest()}, gz=False)), 400, "BundleExtract")
    error(api("POST", path, data=archive({"app.py": "print(1)"})), 400, "InvalidManifest")
    conforms(api("POST", path, data=b"just text"), "bundles", "/v1/content/{guid}/bundles", "POST")
    error(Api(server, "viewer")("POST", path, data=archive({"manifest.json": manifest()})), 403, "PermissionDenied")
    assert api("GET", path).json() == []


def test_deploy_runs_a_task_whose_output_grows_then_activates_the_bundle(server):
    api = Api(server)
    guid = new_item(api)
    bundle = api("POST", "/v1/content/%s/bundles" % guid, data=archive({"manifest.json": manifest(seconds=0.6)})).json()
    task = conforms(api("POST", "/v1/content/%s/deploy" % guid, json={"bundle_id": bundle["id"]}), "content",
                    "/v1/content/{guid}/deploy", "POST")
    early = conforms(api("GET", "/v1/tasks/%s" % task["task_id"]), "tasks", "/v1/tasks/{id}")
    assert early["finished"] is False and len(early["output"]) < 9
    assert api("GET", "/v1/content/%s" % guid).json()["bundle_id"] is None  # not active until the task ends
    started = time.monotonic()
    done = api("GET", "/v1/tasks/%s" % task["task_id"], params={"first": early["last"], "wait": 5}).json()
    assert done["finished"] is True and done["code"] == 0 and time.monotonic() - started < 3
    assert early["output"] + done["output"] == api("GET", "/v1/tasks/%s" % task["task_id"]).json()["output"]
    assert done["last"] == 9 and done["output"][-1] == "Deployment completed."
    item = api("GET", "/v1/content/%s" % guid).json()
    assert item["bundle_id"] == bundle["id"] and item["app_mode"] == "static"
    assert api("GET", "/v1/content/%s/bundles/%s" % (guid, bundle["id"])).json()["active"] is True
    assert server.state.audit_logs[-1]["action"] == "deploy_application"


def test_a_failed_build_leaves_the_active_bundle(server):
    api = Api(server)
    guid = new_item(api)
    good = api("POST", "/v1/content/%s/bundles" % guid, data=archive({"manifest.json": manifest()})).json()
    task = api("POST", "/v1/content/%s/deploy" % guid, json={}).json()  # no bundle_id: the latest
    assert api("GET", "/v1/tasks/%s" % task["task_id"], params={"wait": 5}).json()["code"] == 0
    bad = api("POST", "/v1/content/%s/bundles" % guid,
              data=archive({"manifest.json": manifest(fail="package 'nope' is not available")})).json()
    task = api("POST", "/v1/content/%s/deploy" % guid, json={"bundle_id": bad["id"]}).json()
    failed = api("GET", "/v1/tasks/%s" % task["task_id"], params={"wait": 5}).json()
    assert failed["finished"] and failed["code"] == 1 and "nope" in failed["error"]
    assert failed["output"][-1] == "Error: package 'nope' is not available"
    assert api("GET", "/v1/content/%s" % guid).json()["bundle_id"] == good["id"]
    error(api("DELETE", "/v1/content/%s/bundles/%s" % (guid, good["id"])), 400, "DeleteActiveBundle")
    assert api("DELETE", "/v1/content/%s/bundles/%s" % (guid, bad["id"])).status_code == 204
    error(api("GET", "/v1/content/%s/bundles/%s" % (guid, bad["id"])), 404, "ObjectDoesNotExist")
    error(api("GET", "/v1/tasks/nosuchtask"), 404, "TaskDoesNotExist")


def test_seeded_bundles_have_no_hashes(server):
    api = Api(server)
    item = next(c for c in api("GET", "/v1/content").json() if c["bundle_id"])
    bundles = conforms(api("GET", "/v1/content/%s/bundles" % item["guid"]), "bundles", "/v1/content/{guid}/bundles")
    assert [(b["id"], b["active"], b["metadata"]["archive_sha1"]) for b in bundles] == [(item["bundle_id"], True, None)]


def test_repository(server):
    api = Api(server)
    guid = new_item(api)
    path = "/v1/content/%s/repository" % guid
    error(api("GET", path), 404, "AppIsNotGitManaged")
    put = conforms(api("PUT", path, json={"repository": "https://github.com/rstudio/connect-examples",
                                          "directory": "stock-report"}), "content", "/v1/content/{guid}/repository", "PUT")
    assert (put["branch"], put["directory"], put["polling"]) == ("main", "stock-report", False)
    patched = conforms(api("PATCH", path, json={"polling": True}), "content", "/v1/content/{guid}/repository", "PATCH")
    assert patched["polling"] is True
    conforms(api("GET", path), "content", "/v1/content/{guid}/repository")
    error(api("POST", "/v1/content/%s/bundles" % guid, data=archive({"manifest.json": manifest()})), 400,
          "NoBundleUploadForGitManagedApp")
    error(api("PUT", path, json={"repository": "git@github.com:a/b.git"}), 400, "GitUnsupportedProtocol")
    error(api("PATCH", path, json={"nope": 1}), 400, "InvalidJson")
    assert api("DELETE", path).status_code == 204
    error(api("DELETE", path), 404, "AppIsNotGitManaged")
