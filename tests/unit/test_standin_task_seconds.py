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
