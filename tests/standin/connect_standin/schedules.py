"""Schedules of rendered content (posit-schedules-api-openapi.yml; the content document's ``include=schedule``).

The reference has no schedule writes, so schedules are seeded only: about half of the deployed rendered
items render on a schedule (daily, weekly on Mondays or every four hours, in UTC), with their scheduled
runs as jobs (``queued_time`` set) and a change history (created, sometimes updated, by the owner).

* ``include=schedule`` on content fills ``schedules`` with ContentSchedule objects (an empty list for an
  item without one; model.content_out reads ``state.schedules``).
* ``GET /v1/content/{guid}/schedule/history`` (``variant``: a variant key): one result per variant of a
  rendered item (none for other items), newest change first, at most 100, with ``total_count``;
  ``current_schedule`` is null without a schedule. Owners, collaborators and administrators (403).
"""

import random
import time

from . import bundles
from .jobs import add_job, render_tag, variant_of
from .model import GUID, fmt_time

HOUR, DAY = 3600, 86400
# name -> (RRULE, period in seconds)
RULES = {"daily": ("RRULE:FREQ=DAILY;INTERVAL=1", DAY), "weekly": ("RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO", 7 * DAY),
         "four-hourly": ("RRULE:FREQ=HOURLY;INTERVAL=4", 4 * HOUR)}
MONDAY = 4 * DAY  # 1970-01-05 was a Monday: Unix time + MONDAY is a multiple of a week on Mondays
MAX_HISTORY = 100


def _rrule(start, rule):
    return {"dtstart": "DTSTART;TZID=UTC:" + time.strftime("%Y%m%dT%H%M%S", time.gmtime(start)),
            "rrules": [RULES[rule][0]]}


def _next_run(start, period, now):
    return start + max(0, -(-(now - start) // period)) * period


def _seed_item(state, rng, item, variant):
    now = state.now
    rule = rng.choice(sorted(RULES))
    period = RULES[rule][1]
    day = max(item["last_deployed_time"], now - 200 * DAY) // DAY * DAY
    start = day + 6 * HOUR if rule != "weekly" else (day - (day + MONDAY) % (7 * DAY)) + 8 * HOUR
    next_run = _next_run(start, period, now)
    last = None
    for k in (3, 2, 1):
        queued = next_run - k * period
        if queued < start:
            continue
        failed = rng.random() < 0.1
        last = add_job(state, item, render_tag(item), queued + 2, queued + 2 + rng.randint(10, 120),
                       exit_code=1 if failed else 0, queued=queued,
                       lines=["Scheduled render...", "Rendering document..."],
                       error="Rendering exited abnormally: exit status 1" if failed else None)
    owner = item["owner_guid"]
    history = [{"change_type": "created", "time": start - rng.randint(1, 5) * DAY, "user_guid": owner,
                "schedule": _rrule(start - DAY, "daily" if rule != "daily" else "weekly")}]
    history.append({"change_type": "updated", "time": start - 3600, "user_guid": owner, "schedule": _rrule(start, rule)})
    content_schedule = {
        "email": rng.random() < 0.5, "end_time": None, "next_run": fmt_time(next_run),
        "schedule": _rrule(start, rule), "start_time": fmt_time(start), "timezone": "UTC", "type": "rrule",
        "variant": {"is_default": True, "key": variant["key"], "name": "default"},
    }
    if last is not None:
        content_schedule["last_run"] = {
            "job_key": last["key"], "queued_time": fmt_time(last["queued"]), "scheduled_time": fmt_time(last["queued"]),
            "start_time": fmt_time(last["start"]), "end_time": fmt_time(last["end"]), "exit_code": last["exit_code"],
            "run_duration_ms": (last["end"] - last["start"]) * 1000,
            "status": "failure" if last["exit_code"] else "success"}
    state.schedules[item["guid"]] = {"current": [content_schedule], "history": history[::-1]}


def seed(state):
    """Schedules of about half the deployed rendered items (own random.Random; runs after jobs.seed); none in
    the bench seed."""
    if state.seed_name == "bench":
        return
    rng = random.Random(f"{state.seed_name}:schedules")
    for item in list(state.content.values()):
        variant = variant_of(state, item)
        if variant is not None and rng.random() < 0.5:
            _seed_item(state, rng, item, variant)
    for jobs in state.jobs.values():
        jobs.sort(key=lambda job: (job["start"], job["id"]))


def history(req, guid):
    item = bundles._item(req, guid, edit=True)
    state = req.state
    variant = variant_of(state, item)
    wanted = req.query.get("variant", "")
    if variant is None or (wanted and wanted != variant["key"]):
        return 200, {"results": []}
    record = state.schedules.get(item["guid"], {"current": [], "history": []})
    current = None
    if record["current"]:
        current = {"schedule": record["current"][0]["schedule"], "next_run": record["current"][0]["next_run"]}
    entries = [{"change_type": e["change_type"], "change_time": fmt_time(e["time"]),
                "user": dict(state.users[e["user_guid"]]) if e["user_guid"] in state.users else None,
                "new_schedule": {"schedule": e["schedule"]} if e["schedule"] else None}
               for e in record["history"][:MAX_HISTORY]]
    return 200, {"results": [{"variant_key": variant["key"], "current_schedule": current, "history": entries,
                              "total_count": len(record["history"])}]}


ROUTES = [
    ("GET", rf"/v1/content/{GUID}/schedule/history", history, {}),
]
