"""posit.connect.connect_schedule_info and connect_content_info include=schedule against the stand-in: real
ansible-playbook runs, checked against the stand-in's seeded schedules and its request log."""

from reference import undeclared
HOSTILE = "{{ lookup('pipe','touch X') }} {% if %}\n\r\u2028\u0085=cmd|' /C calc'!A0 <script>\"'"

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: all
      posit.connect.connect_schedule_info:
    - name: dave with history
      posit.connect.connect_schedule_info:
        owned_by: dave
        app_mode: [rmd-static, quarto-static]
        history: 1
    - name: content info
      posit.connect.connect_content_info:
        guid: "{{ guid }}"
        include: [schedule]
"""


def test_schedules_last_runs_and_history(standin, playbook):
    state = standin.state
    scheduled = dict((guid, record) for guid, record in state.schedules.items() if guid in state.content)
    guid = next(iter(scheduled))
    state.content[guid]["title"] = HOSTILE
    run = playbook(PLAY, extra_vars=dict(guid=guid)).ok()
    every = run["all"]
    if standin.sparse:  # no recording carries include=schedule: the listing answers without it, which is said
        assert every["schedules"] == [] and any("include=schedule" in w for w in every["warnings"])
        return
    assert sorted(s["content_guid"] for s in every["schedules"]) == sorted(scheduled)
    assert every["item_count"] == len(state.content) and every["count"] == len(scheduled)
    for entry in every["schedules"]:
        current = scheduled[entry["content_guid"]]["current"][0]
        assert entry["rule"] == current["schedule"] and entry["next_run"] == current["next_run"]
        assert entry["variant_key"] == current["variant"]["key"] and entry["timezone"] == "UTC"
        assert (entry["last_run"] or {}).get("status") == current.get("last_run", {}).get("status")
        assert "history" not in entry
    assert next(s for s in every["schedules"] if s["content_guid"] == guid)["content_title"] == HOSTILE
    listings = [e for e in standin.requests if e["path"] == "/__api__/v1/content"]
    assert listings and all(e["query"].get("include") == "schedule" for e in listings)

    dave = run["dave with history"]
    owner = state.user_by_username("dave")["guid"]
    mine = [g for g in scheduled if state.content[g]["owner_guid"] == owner
            and state.content[g]["app_mode"] in ("rmd-static", "quarto-static")]
    assert sorted(s["content_guid"] for s in dave["schedules"]) == sorted(mine) and mine
    for entry in dave["schedules"]:
        newest = scheduled[entry["content_guid"]]["history"][0]
        assert len(entry["history"]) == 1 and entry["history_total"] == len(scheduled[entry["content_guid"]]["history"])
        assert entry["history"][0]["change_type"] == newest["change_type"] == "updated"
        assert entry["history"][0]["username"] == "dave" and entry["history"][0]["schedule"] == newest["schedule"]
    item = run["content info"]["content"][0]
    assert item["schedules"] == scheduled[guid]["current"] and item["title"] == HOSTILE
    assert standin.writes() == [] and undeclared(standin.requests) == []


def test_schedule_info_of_an_unscheduled_item_is_empty_and_a_viewer_is_told(standin, playbook):
    state = standin.state
    unscheduled = next(c for c in state.content.values() if c["guid"] not in state.schedules)
    run = playbook("""
- hosts: localhost
  gather_facts: false
  tasks:
    - name: one
      posit.connect.connect_schedule_info:
        guid: "%s"
        history: 3
""" % unscheduled["guid"]).ok()
    assert run["one"]["schedules"] == [] and run["one"]["item_count"] == 1
    if standin.sparse:  # no schedules are answered, so no history is read
        return
    scheduled = next(g for g in state.schedules if g in state.content)
    viewer = next(u for u in state.users.values() if u["user_role"] == "viewer" and not u["locked"])
    run = playbook("""
- hosts: localhost
  gather_facts: false
  tasks:
    - name: one
      posit.connect.connect_schedule_info:
        guid: "%s"
        history: 3
""" % scheduled, api_key=standin.keys[viewer["username"]])
    assert run.rc != 0 and "owner, a collaborator or an administrator" in run["one"]["msg"]
