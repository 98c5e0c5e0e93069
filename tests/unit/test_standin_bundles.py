"""The stand-in's bundles, deploys, tasks, repositories and packages (bundles.py, packages.py), against the copied
OpenAPI documents."""

import hashlib
import json
import time

from standin_helpers import Client, archive, conforms, error


def manifest(**standin):
    return json.dumps({"version": 1, "metadata": {"appmode": "static"}, "standin": standin})


def new_item(api, name="bundle-test"):
    return api("POST", "/v1/content", json={"name": name}).json()["guid"]


def test_upload_hashes_the_archive_and_lists_it(server):
    api = Client(server)
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
    api = Client(server)
    guid = new_item(api)
    path = "/v1/content/%s/bundles" % guid
    error(api("POST", path, data=b"just text"), 400, "BundleExtract")
    error(api("POST", path, data=archive({"manifest.json": manifest()}, gz=False)), 400, "BundleExtract")
    error(api("POST", path, data=archive({"app.py": "print(1)"})), 400, "InvalidManifest")
    conforms(api("POST", path, data=b"just text"), "bundles", "/v1/content/{guid}/bundles", "POST")
    error(Client(server, "viewer")("POST", path, data=archive({"manifest.json": manifest()})), 403, "PermissionDenied")
    assert api("GET", path).json() == []


def test_deploy_runs_a_task_whose_output_grows_then_activates_the_bundle(server):
    api = Client(server)
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
    api = Client(server)
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
    api = Client(server)
    item = next(c for c in api("GET", "/v1/content").json() if c["bundle_id"])
    bundles = conforms(api("GET", "/v1/content/%s/bundles" % item["guid"]), "bundles", "/v1/content/{guid}/bundles")
    assert [(b["id"], b["active"], b["metadata"]["archive_sha1"]) for b in bundles] == [(item["bundle_id"], True, None)]


def test_repository(server):
    api = Client(server)
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


def test_packages_take_any_page_size(demo):
    admin = Client(demo)
    everything = admin.ok("GET", "/__api__/v1/packages", params={"page_size": 1000000})  # as posit-sdk asks
    assert len(everything["results"]) == everything["total"] > 20
    error(admin.get("/__api__/v1/packages", params={"page_size": 0}), 400, "InvalidRange")
    error(admin.get("/__api__/v1/users", params={"page_size": 501}), 400, "InvalidRange")  # users keep 500


def _deploy(client, manifest, files=()):
    made = client.ok("POST", "/__api__/v1/content", json={"name": "deployed-%d" % time.monotonic_ns()})
    base = f"/__api__/v1/content/{made['guid']}"
    bundle = client.ok("POST", base + "/bundles", data=archive(dict(files, **{"manifest.json": json.dumps(manifest)})))
    task = client.ok("POST", base + "/deploy", json={"bundle_id": bundle["id"]})
    while True:
        done = client.ok("GET", f"/__api__/v1/tasks/{task['task_id']}", params={"wait": 5})
        if done["finished"]:
            return done, client.ok("GET", base), client.call("GET", base + "/packages")


def test_deploy_reads_the_manifest(fresh):
    alice = Client(fresh, "alice")
    flask = {"version": 1, "metadata": {"appmode": "python-api", "entrypoint": "hello"},
             "python": {"version": "3.12.2", "package_manager": {"name": "pip", "package_file": "requirements.txt"}}}
    files = {"requirements.txt": "Flask==3.0.3\nrequests>=2\n# comment\n", "hello.py": "app = None\n"}
    task, item, packages = _deploy(alice, flask, files)
    assert task["code"] == 0 and item["app_mode"] == "python-api"
    assert item["py_version"] == "3.12.4" and item["py_environment_management"] is True  # the installed 3.12
    assert [(p["language"], p["name"], p["version"]) for p in packages.json()] == [("python", "flask", "3.0.3")]

    task, item, _packages = _deploy(alice, dict(flask, python={"version": "2.7.18"}), {"requirements.txt": ""})
    assert task["code"] == 1 and "Python 2.7.18" in task["error"] and item["bundle_id"] is None
    task, item, _packages = _deploy(alice, flask)  # no requirements.txt in the bundle
    assert task["code"] == 1 and "requirements.txt" in task["error"] and item["bundle_id"] is None

    quarto = {"version": 1, "metadata": {"appmode": "quarto-static"}, "quarto": {"version": "1.5.54"},
              "platform": "4.3.1", "packages": {"knitr": {"description": {"Package": "knitr", "Version": "1.45"}}}}
    task, item, packages = _deploy(alice, quarto, {"index.qmd": "# hi\n"})
    assert task["code"] == 0 and item["quarto_version"] == "1.5.57" and item["r_version"] == "4.3.2"
    assert [(p["language"], p["name"], p["version"]) for p in packages.json()] == [("r", "knitr", "1.45")]
