"""The stand-in's task_seconds option: every render and build task lasts that long (timing only, for benchmarks)."""

import time

import requests

from connect_standin import StandIn


def test_task_seconds_sets_how_long_a_build_lasts_and_survives_a_reset():
    with StandIn(seed="demo", task_seconds=0.6) as standin:
        for attempt in range(2):
            item = next(c for c in standin.state.content.values() if c["app_mode"] == "shiny" and c["bundle_id"])
            session = requests.Session()
            session.headers["Authorization"] = "Key %s" % standin.keys["admin"]
            api = standin.url + "/__api__/v1/"
            started = time.monotonic()
            task_id = session.post(api + "content/%s/build" % item["guid"], json={"bundle_id": item["bundle_id"]}).json()["task_id"]
            task = session.get(api + "tasks/%s" % task_id, params={"wait": 5}).json()
            elapsed = time.monotonic() - started
            assert task["finished"] is True and task["code"] == 0
            assert 0.55 <= elapsed < 2, elapsed
            standin.reset(seed="demo")
    with StandIn(seed="demo") as standin:
        assert standin.state.task_seconds is None


def test_an_administrator_who_is_not_a_viewer_starts_no_process_by_visiting():
    """The content document: administrators without viewership get app_role none and cannot view the item itself."""
    from connect_standin import jobs
    with StandIn(seed="demo") as standin:
        state = standin.state
        admin = state.users[state.keys[standin.keys["admin"]]]
        item = next(c for c in state.content.values() if c["app_mode"] == "shiny" and c["bundle_id"]
                    and c["access_type"] == "acl" and state.content_role(admin, c) is None)
        for job in jobs.running(state, item):
            jobs._end(job, "test: stopped")
        visits = len(state.visits)
        answer = requests.get(standin.url + "/content/%s/" % item["guid"], headers={"Authorization": "Key " + standin.keys["admin"]})
        assert answer.status_code < 500
        assert jobs.running(state, item) == [] and len(state.visits) == visits
        owner = next(u for u in state.users.values() if u["guid"] == item["owner_guid"])
        requests.get(standin.url + "/content/%s/" % item["guid"], headers={"Authorization": "Key " + standin.keys[owner["username"]]})
        assert len(jobs.running(state, item)) == 1 and len(state.visits) == visits + 1
