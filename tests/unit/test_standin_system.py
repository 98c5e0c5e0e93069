"""The stand-in's runtime caches, system checks and storage (system.py), against the copied reference
(tests/fixtures/connect-api/openapi) and the recorded response of posit-sdk-py."""

import json
import time


from connect_standin import StandIn, system
from standin_helpers import Client, archive, conforms, error, guid_of, recorded
from test_standin_jobs import wait

STANDIN = {"version": "2026.01.0"}

CACHE_KEYS = set(recorded("v1/system/caches/runtime.json")["caches"][0])
CACHES = "/v1/system/caches/runtime"


def test_runtime_caches_list_dry_run_delete_and_a_failed_delete(server):
    admin = Client(server)
    caches = conforms(admin("GET", CACHES), "system-information", CACHES)["caches"]
    assert caches and all(set(c) == CACHE_KEYS for c in caches)  # exactly the recorded keys
    assert {(c["language"], c["version"]) for c in caches} >= {("R", "4.3.2"), ("Python", "3.11.7")}
    first = caches[0]
    dry = conforms(admin("DELETE", CACHES, json=dict(first, dry_run=True)), "system-information", CACHES, "DELETE")
    assert dry == dict(first, task_id=None) and admin("GET", CACHES).json()["caches"] == caches
    assert not [e for e in server.state.audit_logs if e["action"] == "delete_runtime_cache"]

    server.state.cache_delete_error = "disk busy"
    failing = admin("DELETE", CACHES, json=dict(first, language=first["language"].lower())).json()
    task = wait(admin, failing["task_id"])
    assert task["code"] == 1 and "disk busy" in task["error"]
    assert admin("GET", CACHES).json()["caches"] == caches  # a failed delete leaves the cache

    server.state.cache_delete_error = None
    done = admin("DELETE", CACHES, json=first).json()
    assert wait(admin, done["task_id"])["code"] == 0
    assert admin("GET", CACHES).json()["caches"] == caches[1:]
    assert server.state.audit_logs[-1]["action"] == "delete_runtime_cache"

    error(admin("DELETE", CACHES, json=first), 404, "ObjectDoesNotExist")
    error(admin("DELETE", CACHES, json=dict(first, language="Julia")), 400, "InvalidRuntimeLanguage")
    error(admin("DELETE", CACHES, json=dict(first, size=1)), 400, "InvalidJson")
    error(admin("DELETE", CACHES, json={"language": "R"}), 400, "InvalidJson")
    error(Client(server, "publisher")("GET", CACHES), 403, "PermissionDenied")
    error(Client(server, "publisher")("DELETE", CACHES, json=caches[1]), 403, "PermissionDenied")
    assert len(admin("GET", CACHES).json()["caches"]) == len(caches) - 1  # nothing changed on refusals


def test_a_deploy_adds_the_cache_of_its_python_and_caches_need_2024_05():
    with StandIn(version="2024.04.1") as old:
        error(Client(old)("GET", CACHES), 404, "ObjectDoesNotExist")
    with StandIn(version="2024.05.0") as server:
        alice = Client(server, "publisher")
        guid = alice("POST", "/v1/content", json={"name": "flask"}).json()["guid"]
        manifest = {"metadata": {"appmode": "python-api"}, "python": {"version": "3.12.2"}}
        bundle = alice("POST", "/v1/content/%s/bundles" % guid, data=archive({"manifest.json": json.dumps(manifest)}))
        alice("POST", "/v1/content/%s/deploy" % guid, json={"bundle_id": bundle.json()["id"]})
        caches = Client(server)("GET", CACHES).json()["caches"]
        assert {"language": "Python", "version": "3.12.2", "image_name": "Local"} in caches


def test_system_checks_run_then_report_results(server):
    admin = Client(server)
    run = conforms(admin("POST", "/v1/system/checks", json={}), "system-checks", "/v1/system/checks", "POST")
    assert run["status"] in ("requested", "running") and run["passed"] == run["failed"] == 0
    assert [r["id"] for r in conforms(admin("GET", "/v1/system/checks"), "system-checks", "/v1/system/checks")] == \
        [run["id"]]
    assert conforms(admin("GET", "/v1/system/checks/%s/results" % run["id"]), "system-checks",
                    "/v1/system/checks/{id}/results")["results"] == []
    time.sleep(system.CHECK_SECONDS + 0.05)
    done = conforms(admin("GET", "/v1/system/checks/%s" % run["id"]), "system-checks", "/v1/system/checks/{id}")
    assert done["status"] == "done" and done["passed"] + done["failed"] == len(system.CHECKS) and done["failed"] == 1
    results = conforms(admin("GET", "/v1/system/checks/%s/results" % run["id"]), "system-checks",
                       "/v1/system/checks/{id}/results")
    assert results["run"] == done and len(results["results"]) == len(system.CHECKS)
    named = admin("POST", "/v1/system/checks", json={"hostname": "node-2"}).json()
    assert named["hostname"] == "node-2"
    error(admin("POST", "/v1/system/checks", json={"hostname": 3}), 400, "InvalidJson")
    error(Client(server, "publisher")("POST", "/v1/system/checks", json={}), 403, "PermissionDenied")
    assert admin("DELETE", "/v1/system/checks/%s" % run["id"]).status_code == 204
    error(admin("GET", "/v1/system/checks/%s" % run["id"]), 404, "ObjectDoesNotExist")
    actions = [e["action"] for e in server.state.audit_logs if e["action"] in system.AUDIT_ACTIONS]
    assert actions == ["run_system_checks", "run_system_checks", "delete_system_check"]


def test_storage_counts_uploaded_bundles(server):
    admin = Client(server)
    empty = conforms(admin("GET", "/v1/system/storage"), "system", "/v1/system/storage")
    assert empty == {"bundles": {"bytes_total": 0, "bytes_active": 0, "bytes_inactive": 0, "count": 0,
                                 "content_count": 0}}  # seeded bundle ids have no recorded size
    guid = guid_of(server, "sales-dashboard")
    sizes = []
    for text in ("one", "two, longer"):
        data = archive({"manifest.json": json.dumps({"metadata": {"appmode": "shiny"}, "note": text})})
        bundle = admin("POST", "/v1/content/%s/bundles" % guid, data=data).json()
        sizes.append(bundle["size"])
    wait(admin, admin("POST", "/v1/content/%s/deploy" % guid, json={"bundle_id": bundle["id"]}).json()["task_id"])
    used = conforms(admin("GET", "/v1/system/storage"), "system", "/v1/system/storage")["bundles"]
    assert used == {"bytes_total": sum(sizes), "bytes_active": sizes[1], "bytes_inactive": sizes[0], "count": 2,
                    "content_count": 1}
    error(Client(server, "publisher")("GET", "/v1/system/storage"), 403, "PermissionDenied")
