"""The stand-in's jobs, renders, builds, restarts, lockfile, hits filters and schedules (jobs.py, lockfile.py,
schedules.py), against the copied reference (tests/fixtures/connect-api/openapi) and the recorded responses
of posit-sdk-py (tests/fixtures/connect-api/fixtures/posit-sdk-py/__api__)."""

import json
import time

import requests

from connect_standin import StandIn, jobs, schedules
from connect_standin.seed import build
from standin_helpers import Client, archive, conforms, error, guid_of, openapi, recorded

STANDIN = {"version": "2026.01.0"}
HOSTILE = "{{ lookup('pipe','touch X') }} {% if %}\n\r\u2028\u0085=cmd|' /C calc'!A0 <script>\"'"
AGENT = "{{ lookup('pipe','touch X') }} {% if %} =cmd|' /C calc'!A0 <script>\"'"  # a header holds no line break


JOB_KEYS = set(recorded("v1/content/f2f37341-e21d-3d80-c698-a935ad614066/jobs/tHawGvHZTosJA2Dx.json"))
VARIANT_KEYS = set(recorded("applications/f2f37341-e21d-3d80-c698-a935ad614066/variants.json")[0])
TASK_KEYS = set(recorded("variants/6627/render.json"))
HIT_KEYS = set(recorded("v1/instrumentation/content/hits.json")[0])


def wait(api, task_id):
    for dummy in range(100):
        task = api("GET", "/v1/tasks/%s" % task_id, params={"wait": 1}).json()
        if task["finished"]:
            return task
    raise AssertionError("task %s did not finish" % task_id)


def deploy(api, guid, manifest, files=None):
    files = dict(files or {}, **{"manifest.json": json.dumps(manifest)})
    bundle = api("POST", "/v1/content/%s/bundles" % guid, data=archive(files)).json()
    return api("POST", "/v1/content/%s/deploy" % guid, json={"bundle_id": bundle["id"]}).json()["task_id"]


def new_item(api, name):
    return api("POST", "/v1/content", json={"name": name}).json()["guid"]


def running_job(server):
    state = server.state
    for guid, found in state.jobs.items():
        for job in found:
            if job["end"] is None and job["task"] is None and state.content[guid]["owner_guid"] == \
                    state.user_by_username("dave")["guid"]:
                return guid, job
    raise AssertionError("the demo seed has no running process of dave's")


def test_jobs_of_a_seeded_item_log_error_download_and_kill(server):
    admin = Client(server)
    guid, job = running_job(server)
    listed = conforms(admin("GET", "/v1/content/%s/jobs" % guid), "jobs", "/v1/content/{guid}/jobs")
    assert listed and all(set(j) == JOB_KEYS for j in listed)  # exactly the recorded keys
    one = conforms(admin("GET", "/v1/content/%s/jobs/%s" % (guid, job["key"])), "jobs", "/v1/content/{guid}/jobs/{key}")
    assert one["status"] == 0 and one["end_time"] is None and one["exit_code"] is None
    log = admin("GET", "/v1/content/%s/jobs/%s/log" % (guid, job["key"]))
    assert [e["data"] for e in log.json()["entries"]] == ["Starting process...", "Listening."]
    assert len(admin("GET", "/v1/content/%s/jobs/%s/log" % (guid, job["key"]), params={"maxLogLines": 1}).json()
               ["entries"]) == 1
    assert admin("GET", "/v1/content/%s/jobs/%s/tail" % (guid, job["key"])).json()["data"] == "Listening."
    assert admin("GET", "/v1/content/%s/jobs/%s/error" % (guid, job["key"])).status_code == 204
    download = admin("GET", "/v1/content/%s/jobs/%s/download" % (guid, job["key"]))
    assert download.headers["Content-Type"].startswith("text/plain") and "Listening." in download.text

    error(Client(server, "viewer")("GET", "/v1/content/%s/jobs" % guid), 403, "PermissionDenied")
    error(Client(server, "bob")("DELETE", "/v1/content/%s/jobs/%s" % (guid, job["key"])), 403, "PermissionDenied")
    error(admin("GET", "/v1/content/%s/jobs/nope" % guid), 404, "ObjectDoesNotExist")
    error(admin("GET", "/v1/content/%s/jobs/%s/log" % (guid, job["key"]), params={"maxLogLines": "x"}), 400,
          "InvalidParameter")

    order = conforms(admin("DELETE", "/v1/content/%s/jobs/%s" % (guid, job["key"])), "jobs",
                     "/v1/content/{guid}/jobs/{key}", "DELETE")
    assert order["job_key"] == job["key"] and order["content_guid"] == guid
    ended = admin("GET", "/v1/content/%s/jobs/%s" % (guid, job["key"])).json()
    assert ended["status"] == 1 and ended["end_time"] and ended["exit_code"] == jobs.TERMINATED
    error(admin("DELETE", "/v1/content/%s/jobs/%s" % (guid, job["key"])), 409, "InactiveJob")
    assert server.state.audit_logs[-1]["action"] == "kill_job"
    assert "kill_job" in {a["action"] for a in admin("GET", "/v1/audit/actions").json()}


def test_deploy_render_and_build_run_jobs_tied_to_their_tasks(server):
    admin, alice = Client(server), Client(server, "publisher")
    guid = new_item(alice, "report")
    task_id = deploy(alice, guid, {"metadata": {"appmode": "quarto-static"}})
    started = alice("GET", "/v1/content/%s/jobs" % guid).json()
    assert len(started) == 1 and started[0]["status"] == 0  # the deploy's job runs at once, on the new bundle
    assert started[0]["bundle_id"] == alice("GET", "/v1/content/%s/bundles" % guid).json()[0]["id"]
    assert wait(alice, task_id)["code"] == 0
    done = alice("GET", "/v1/content/%s/jobs" % guid).json()[0]
    assert done["status"] == 1 and done["exit_code"] == 0 and done["tag"] == "build_report"

    variants = alice("GET", "/applications/%s/variants" % guid).json()  # unversioned, served for Posit's suite
    assert len(variants) == 1 and set(variants[0]) == VARIANT_KEYS and variants[0]["is_default"] is True
    before = variants[0]["rendering_id"]
    render = conforms(alice("POST", "/v1/content/%s/render" % guid, json={}), "content",
                      "/v1/content/{guid}/render", "POST")
    assert wait(alice, render["task_id"])["code"] == 0
    assert alice("GET", "/applications/%s/variants" % guid).json()[0]["rendering_id"] != before
    task = alice("POST", "/variants/%s/render" % variants[0]["id"]).json()
    assert set(task) == TASK_KEYS and wait(alice, task["id"])["code"] == 0
    assert len(alice("GET", "/v1/content/%s/jobs" % guid).json()) == 3
    error(alice("POST", "/v1/content/%s/render" % guid, json={"variant_key": "nope"}), 404, "ObjectDoesNotExist")
    error(alice("POST", "/variants/999999/render"), 404, "ObjectDoesNotExist")
    assert admin("GET", "/applications/%s/variants" % guid_of(server, "sales-dashboard")).json() == []
    error(Client(server, "viewer")("POST", "/v1/content/%s/render" % guid, json={}), 403, "PermissionDenied")
    error(admin("POST", "/v1/content/%s/render" % guid_of(server, "sales-dashboard"), json={}), 400, "InvalidAppMode")
    undeployed = new_item(alice, "empty")
    error(alice("POST", "/v1/content/%s/render" % undeployed, json={}), 400, "BundleMissing")
    error(alice("POST", "/v1/content/%s/build" % undeployed, json={}), 400, "BundleMissing")

    build = conforms(alice("POST", "/v1/content/%s/build" % guid, json={}), "content", "/v1/content/{guid}/build",
                     "POST")
    assert wait(alice, build["task_id"])["code"] == 0
    actions = [e["action"] for e in server.state.audit_logs if e["action"] in jobs.AUDIT_ACTIONS]
    assert actions == ["render_application", "render_application", "build_application"]

    # A failing build: the publisher's text comes back as data, in the task, the job's error and its log.
    failing = new_item(alice, "failing")
    wait(alice, deploy(alice, failing, {"metadata": {"appmode": "python-api"}, "python": {"version": "3.12.2"}}))
    bundle = alice("POST", "/v1/content/%s/bundles" % failing,
                   data=archive({"manifest.json": json.dumps({"python": {}, "standin": {"fail": HOSTILE}})})).json()
    build = alice("POST", "/v1/content/%s/build" % failing, json={"bundle_id": bundle["id"], "activate": False}).json()
    assert wait(alice, build["task_id"])["code"] == 1
    job = alice("GET", "/v1/content/%s/jobs" % failing).json()[-1]
    assert job["exit_code"] == 1 and job["tag"] == "python_restore"
    logged = conforms(alice("GET", "/v1/content/%s/jobs/%s/error" % (failing, job["key"])), "jobs",
                      "/v1/content/{guid}/jobs/{key}/error")
    assert logged["summary"] == "Unable to build: " + HOSTILE
    assert alice("GET", "/v1/content/%s/jobs/%s/log" % (failing, job["key"])).json()["entries"][-1]["data"] == \
        "Unable to build: " + HOSTILE
    assert alice("GET", "/v1/content/%s" % failing).json()["bundle_id"] != bundle["id"]


def test_an_environment_change_restarts_and_a_visit_starts_a_process(server):
    admin = Client(server)
    guid, job = running_job(server)
    assert conforms(admin("PATCH", "/v1/content/%s/environment" % guid, json=[{"name": HOSTILE, "value": "1"}]),
                    "content", "/v1/content/{guid}/environment", "PATCH") == [HOSTILE]
    assert admin("GET", "/v1/content/%s/jobs/%s" % (guid, job["key"])).json()["status"] == 1  # the process ended
    visits = len(server.state.visits)
    page = requests.get(server.url + "/content/%s/" % guid, timeout=10,
                        headers={"Authorization": "Key " + server.keys["admin"], "User-Agent": AGENT})
    assert page.status_code == 200
    hit = server.state.visits[-1]
    assert len(server.state.visits) == visits + 1 and hit["content_guid"] == guid and hit["user_agent"] == AGENT
    assert [j for j in admin("GET", "/v1/content/%s/jobs" % guid).json() if j["status"] == 0]  # a new process
    hits = conforms(admin("GET", "/v1/instrumentation/content/hits", params={"content_guid": guid}),
                    "instrumentation", "/v1/instrumentation/content/hits")
    assert hits[-1]["data"]["user_agent"] == AGENT and set(hits[-1]) == HIT_KEYS
    # Anonymous visitors of an access-list item get the login page: nothing is recorded.
    requests.get(server.url + "/content/%s/" % guid, timeout=10)
    assert len(server.state.visits) == visits + 1


def test_the_lockfile_is_served_from_2025_12():
    with StandIn(version="2025.11.0") as old:
        error(Client(old)("GET", "/v1/content/%s/lockfile" % guid_of(old, "churn-model-api")), 404, "ObjectDoesNotExist")
    with StandIn(version="2025.12.0") as server:
        admin, alice = Client(server), Client(server, "publisher")
        seeded = guid_of(server, "churn-model-api")
        lockfile = admin("GET", "/v1/content/%s/lockfile" % seeded)
        assert lockfile.status_code == 200 and lockfile.headers["Content-Type"].startswith("text/plain")
        item = server.state.content[seeded]
        assert lockfile.headers["Generated-By"] == "connect; python=%s" % item["py_version"]
        rows = [p for p in server.state.packages[seeded] if p["language"] == "python"]
        assert lockfile.text.splitlines() == ["%s==%s" % (p["name"], p["version"]) for p in
                                              sorted(rows, key=lambda p: p["name"].lower())]
        guid = new_item(alice, "flask")
        wait(alice, deploy(alice, guid, {"metadata": {"appmode": "python-api"}, "python": {"version": "3.12.2"}},
                           {"requirements.txt": "# pinned\nFlask==3.0.3\n=cmd|' /C calc'!A0\n"}))
        got = alice("GET", "/v1/content/%s/lockfile" % guid)
        assert got.headers["Generated-By"] == "connect; python=3.12.2"
        assert got.text == "Flask==3.0.3\n=cmd|' /C calc'!A0\n"  # the bundle's own lines, as data
        error(Client(server, "viewer")("GET", "/v1/content/%s/lockfile" % seeded), 403, "PermissionDenied")
        error(admin("GET", "/v1/content/%s/lockfile" % guid_of(server, "sales-dashboard")), 400, "BadRequest")
        error(alice("GET", "/v1/content/%s/lockfile" % new_item(alice, "nothing")), 404, "ObjectDoesNotExist")


def test_hits_filter_by_one_or_several_content_guids_and_time(server):
    admin = Client(server)
    visits = server.state.visits
    a, b = visits[0]["content_guid"], visits[1]["content_guid"]
    path = "/v1/instrumentation/content/hits"
    every = conforms(admin("GET", path), "instrumentation", path)
    assert len(every) == len(visits)
    only_a = conforms(admin("GET", path, params={"content_guid": a}), "instrumentation", path)
    assert only_a and {h["content_guid"] for h in only_a} == {a}
    both = admin("GET", path, params={"content_guid": "%s|%s" % (a, b)}).json()
    assert {h["content_guid"] for h in both} == {a, b} and len(both) > len(only_a)
    assert admin("GET", path, params={"content_guid": "00000000-0000-0000-0000-000000000000"}).json() == []
    error(admin("GET", path, params={"content_guid": "%s|nope" % a}), 400, "InvalidId")
    start, end = every[10]["timestamp"], every[20]["timestamp"]
    window = admin("GET", path, params={"from": start, "to": end}).json()
    assert window and all(start <= h["timestamp"] <= end for h in window)
    error(Client(server, "viewer")("GET", path), 403, "PermissionDenied")
    with StandIn(version="2025.12.0") as older:  # before 2026.01.0 Connect ignores content_guid on hits
        assert len(Client(older)("GET", path, params={"content_guid": a}).json()) == len(older.state.visits)
    with StandIn(version="2025.03.0") as oldest:
        error(Client(oldest)("GET", path), 404, "ObjectDoesNotExist")


def test_schedules_include_and_history(server):
    admin = Client(server)
    scheduled = next(g for g in server.state.schedules)
    rendered = next(g for g in server.state.variants if g not in server.state.schedules)
    item = conforms(admin("GET", "/v1/content/%s" % scheduled, params={"include": "schedule"}), "content",
                    "/v1/content/{guid}")
    schedule = item["schedules"][0]
    declared = openapi("content")["components"]["schemas"]
    assert set(schedule) <= set(declared["Schedule"]["properties"]) | {"variant"}  # ContentSchedule: no other key
    assert set(schedule["last_run"]) <= set(declared["ScheduleLastRun"]["properties"])
    assert schedule["variant"]["key"] == server.state.variants[scheduled]["key"]
    assert schedule["schedule"]["rrules"][0].startswith("RRULE:FREQ=")
    assert schedule["next_run"] > time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(server.state.now))
    keys = {j["key"] for j in admin("GET", "/v1/content/%s/jobs" % scheduled).json() if j["queued_time"]}
    assert schedule["last_run"]["job_key"] in keys  # the last scheduled run is one of the item's jobs
    assert admin("GET", "/v1/content/%s" % rendered, params={"include": "schedule"}).json()["schedules"] == []
    assert "schedules" not in admin("GET", "/v1/content/%s" % scheduled).json()

    history = conforms(admin("GET", "/v1/content/%s/schedule/history" % scheduled), "schedules",
                       "/v1/content/{guid}/schedule/history")
    result = history["results"][0]
    assert result["current_schedule"]["schedule"] == schedule["schedule"]
    assert [h["change_type"] for h in result["history"]] == ["updated", "created"] and result["total_count"] == 2
    assert result["history"][0]["user"]["guid"] == server.state.content[scheduled]["owner_guid"]
    assert admin("GET", "/v1/content/%s/schedule/history" % scheduled, params={"variant": "nope"}).json() == \
        {"results": []}
    none = admin("GET", "/v1/content/%s/schedule/history" % rendered).json()["results"][0]
    assert none["current_schedule"] is None and none["history"] == [] and none["total_count"] == 0
    assert admin("GET", "/v1/content/%s/schedule/history" % guid_of(server, "sales-dashboard")).json() == \
        {"results": []}
    error(Client(server, "viewer")("GET", "/v1/content/%s/schedule/history" % scheduled), 403, "PermissionDenied")


def test_seeded_jobs_are_deterministic_and_leave_other_seeded_data_alone(monkeypatch):
    first, second = build("demo", {"now": 1_750_000_000}), build("demo", {"now": 1_750_000_000})
    assert [[j["key"] for j in found] for found in first.jobs.values()] == \
        [[j["key"] for j in found] for found in second.jobs.values()]
    assert first.schedules == second.schedules and first.runtime_caches == second.runtime_caches
    assert any(j["end"] is None for found in first.jobs.values() for j in found)
    assert any(j["exit_code"] == 1 for found in first.jobs.values() for j in found)
    monkeypatch.setattr(jobs, "seed", lambda state: None)
    monkeypatch.setattr(schedules, "seed", lambda state: None)
    without = build("demo", {"now": 1_750_000_000})
    for field in ("content", "visits", "shiny_usage", "audit_logs", "packages", "permissions"):
        assert getattr(without, field) == getattr(first, field), field
