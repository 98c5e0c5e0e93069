"""posit.connect.connect_job_info and connect_job against the stand-in: real ansible-playbook runs, checked against
the stand-in's jobs and its request log."""

import time

from connect_standin import jobs as standin_jobs

from reference import undeclared

HOSTILE = "{{ lookup('pipe','touch X') }} {% if %}\n\r\u2028\u0085=cmd|' /C calc'!A0 <script>\"'"

INFO = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: running
      posit.connect.connect_job_info:
        owned_by: dave
        status: running
    - name: one item with logs
      posit.connect.connect_job_info:
        guid: "{{ guid }}"
        log_lines: 1
        include_error: true
    - name: finished of shiny apps
      posit.connect.connect_job_info:
        app_mode: [shiny]
        status: finished
        summary: true
"""


def owned(state, username):
    owner = state.user_by_username(username)["guid"]
    return [c for c in state.content.values() if c["owner_guid"] == owner]


def running_keys(state, items):
    return sorted(j["key"] for c in items for j in state.jobs.get(c["guid"], []) if j["end"] is None)


def test_job_info_lists_filters_and_reads_logs(standin, playbook):
    state = standin.state
    hostile = standin.add_content("hostile-app", owner="dave", title=HOSTILE, app_mode="shiny", bundle_id="1")
    failed = standin_jobs.add_job(state, hostile, "run_app", time.time() - 60, time.time() - 50, exit_code=1,
                                  lines=["Starting process...", HOSTILE], error=HOSTILE)
    run = playbook(INFO, extra_vars=dict(guid=hostile["guid"])).ok()
    got = run["running"]
    assert got["changed"] is False and sorted(j["key"] for j in got["jobs"]) == running_keys(state, owned(state, "dave"))
    assert got["count"] == got["running"] == len(got["jobs"]) > 0
    assert all(j["running"] and j["end_time"] is None and j["hostname"] for j in got["jobs"])
    one = run["one item with logs"]
    assert [j["key"] for j in one["jobs"]] == [failed["key"]]
    job = one["jobs"][0]
    assert job["content_title"] == HOSTILE and job["log"] == [HOSTILE] and job["exit_code"] == 1
    assert job["error"]["summary"] == HOSTILE
    finished = run["finished of shiny apps"]
    shiny = [c for c in state.content.values() if c["app_mode"] == "shiny"]
    assert {j["content_guid"] for j in finished["jobs"]} <= {c["guid"] for c in shiny}
    assert all(not j["running"] for j in finished["jobs"]) and finished["summary"] is None  # not served here
    assert any("job summary" in w for w in finished.get("warnings", []))
    assert standin.writes() == [] and undeclared(standin.requests) == []
    assert not any("/jobs/" in e["path"] and e["path"].endswith("/error") and failed["key"] not in e["path"]
                   for e in standin.requests)  # errors are read for failed jobs only


END = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: end
      posit.connect.connect_job:
        owned_by: carol
        app_mode: [rmd-shiny, python-panel]
"""


def test_job_ends_running_jobs_check_mode_then_for_real_then_unchanged(standin, playbook):
    state = standin.state
    keys = running_keys(state, [c for c in owned(state, "carol") if c["app_mode"] in ("rmd-shiny", "python-panel")])
    assert keys
    check = playbook(END, check=True, diff=True).ok()["end"]
    assert check["changed"] is True and sorted(r["key"] for r in check["results"]) == keys
    assert {r["status"] for r in check["results"]} == {"deleted"} and check["changed_count"] == len(keys)
    assert all(r["msg"] == "would delete" for r in check["results"]) and len(check["diff"]) == len(keys)
    assert standin.writes() == []
    done = playbook(END).ok()["end"]
    assert done["changed"] is True and sorted(r["key"] for r in done["results"]) == keys
    deletes = [e for e in standin.writes() if e["method"] == "DELETE"]
    assert sorted(e["path"].rsplit("/", 1)[1] for e in deletes) == keys
    assert undeclared(standin.requests) == []
    assert running_keys(state, owned(state, "carol")) == [] or set(keys).isdisjoint(running_keys(state, owned(state, "carol")))
    standin.clear_log()
    again = playbook(END).ok()["end"]
    assert again["changed"] is False and again["results"] == [] and standin.writes() == []


BY_KEY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: by key
      posit.connect.connect_job:
        guid: "{{ guid }}"
        key: "{{ keys }}"
        wait: true
        wait_timeout: 5
"""


def test_job_by_key_ended_is_unchanged_and_unknown_fails_before_any_write(standin, playbook):
    state = standin.state
    item = owned(state, "erin")[0]
    for job in state.jobs.get(item["guid"], []):
        job_out = standin_jobs.job_out(job)
        assert job_out
    running = [j for j in state.jobs[item["guid"]] if j["end"] is None]
    ended = [j for j in state.jobs[item["guid"]] if j["end"] is not None]
    keys = [running[0]["key"], ended[0]["key"]]
    run = playbook(BY_KEY, extra_vars=dict(guid=item["guid"], keys=keys), api_key=standin.keys["erin"]).ok()
    by_key = dict((r["key"], r) for r in run["by key"]["results"])
    assert by_key[keys[0]]["status"] == "deleted" and by_key[keys[1]]["status"] == "unchanged"
    assert [e["path"].rsplit("/", 1)[1] for e in standin.writes()] == [keys[0]]
    assert running[0]["end"] is not None and undeclared(standin.requests) == []
    standin.clear_log()
    bad = playbook(BY_KEY, extra_vars=dict(guid=item["guid"], keys=["no-such-key <script>\"'"]))
    assert bad.rc != 0 and "Option 'key'" in bad["by key"]["msg"] and standin.writes() == []


def test_job_with_a_key_that_may_not_end_it(standin, playbook):
    state = standin.state
    item = next(c for c in owned(state, "alice") if any(j["end"] is None for j in state.jobs.get(c["guid"], [])))
    run = playbook(BY_KEY.replace("        key: \"{{ keys }}\"\n", ""), extra_vars=dict(guid=item["guid"]),
                   api_key=standin.keys["erin"])
    assert run.rc != 0 and "owner, a collaborator or an administrator" in run["by key"]["msg"]
    assert standin.writes() == []
