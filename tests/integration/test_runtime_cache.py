"""posit.connect.connect_runtime_cache and connect_runtime_cache_info against the stand-in: real ansible-playbook
runs, checked against the stand-in's caches and its request log."""

import pytest

from connect_standin import StandIn

from reference import undeclared

HOSTILE = "{{ lookup('pipe','touch X') }} {% if %}\n\r\u2028\u0085=cmd|' /C calc'!A0 <script>\"'"

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: info
      posit.connect.connect_runtime_cache_info:
        language: python
    - name: delete
      posit.connect.connect_runtime_cache:
        language: Python
        items:
          - version: 3.10.13
          - version: 3.11.7
            image_name: Local
          - version: "9.9.9"
"""


def caches(state, language):
    return sorted(c["version"] for c in state.runtime_caches if c["language"] == language)


def test_info_check_mode_dry_run_then_delete_then_unchanged(standin, playbook):
    state = standin.state
    before = caches(state, "Python")
    check = playbook(PLAY, check=True, diff=True).ok()
    info = check["info"]
    assert sorted(c["version"] for c in info["caches"]) == before and info["count"] == len(before)
    result = check["delete"]
    assert [r["status"] for r in result["results"]] == ["deleted", "deleted", "unchanged"]
    assert result["changed_count"] == 2 and len(result["diff"]) == 2
    deletes = list(standin.writes())
    assert [e["body"]["dry_run"] for e in deletes] == [True, True]  # Connect's dry run, nothing else
    assert caches(state, "Python") == before
    standin.clear_log()
    done = playbook(PLAY).ok()["delete"]
    assert [r["status"] for r in done["results"]] == ["deleted", "deleted", "unchanged"]
    assert caches(state, "Python") == [v for v in before if v not in ("3.10.13", "3.11.7")]
    assert [e["body"]["dry_run"] for e in standin.writes()] == [False, False]
    assert any(e["path"].startswith("/__api__/v1/tasks/") for e in standin.requests)  # the tasks were followed
    assert undeclared(standin.requests) == []
    standin.clear_log()
    again = playbook(PLAY).ok()["delete"]
    assert again["changed"] is False and standin.writes() == []


ONE = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: delete
      posit.connect.connect_runtime_cache:
        language: "{{ language }}"
        version: "{{ version }}"
"""


def test_a_failed_delete_fails_with_connects_reason(standin, playbook):
    state = standin.state
    version = caches(state, "R")[0]
    state.cache_delete_error = HOSTILE
    try:
        run = playbook(ONE, extra_vars=dict(language="r", version=version))
    finally:
        state.cache_delete_error = None
    assert run.rc != 0
    result = run["delete"]
    assert result.get("changed") is False
    assert "could not delete" in result["msg"] and HOSTILE in result["msg"]
    assert version in caches(state, "R")


def test_bad_language_fails_before_any_request_and_a_publisher_is_told(standin, playbook):
    run = playbook(ONE, extra_vars=dict(language="julia", version="1.9"))
    assert run.rc != 0 and "Option 'language'" in run["delete"]["msg"]
    assert standin.writes() == []
    run = playbook(ONE, extra_vars=dict(language="r", version="4.3.2"), api_key=standin.keys["dave"])
    assert run.rc != 0 and "administrator" in run["delete"]["msg"] and standin.writes() == []


@pytest.fixture
def old_server():
    with StandIn(version="2024.03.0") as server:
        yield server


def test_a_server_before_runtime_caches_says_so(old_server, playbook):
    run = playbook(PLAY, server=old_server)
    assert run.rc != 0 and "2024.05" in run["info"]["msg"]
