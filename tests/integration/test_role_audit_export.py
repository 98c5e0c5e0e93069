"""posit.connect.audit_export against the stand-in: a first full export, incremental runs that append only
new entries (also several entries sharing a timestamp across the boundary), both API paths giving the
same file, check mode, a run that died half-way, changed filters, and bad variables."""

import json
import time

import pytest

from playbook_runs import role_play
from connect_standin import StandIn

NOW = int(time.time()) - 3600  # both stand-ins seed the same entries at the same times

PLAY = role_play("audit_export", "connect_audit_export")


@pytest.fixture(scope="module")
def servers():
    new = StandIn(seed="demo", seed_options={"now": NOW}).start()
    old = StandIn(seed="demo", version="2024.06.0", seed_options={"now": NOW}).start()
    yield new, old
    new.stop()
    old.stop()


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def add_entries(server, when, count):
    admin = server.state.user_by_username("admin")
    with server.state.lock:
        return [str(server.state.record(admin, "edit_application", "entry %d at %d" % (i, when), when=when)["id"])
                for i in range(count)]


def test_incremental_runs_append_only_new_entries_on_both_api_paths(servers, playbook, tmp_path):
    files = []
    for server in servers:
        dest, state = tmp_path / ("%s.jsonl" % server.version), tmp_path / ("%s.state" % server.version)
        variables = dict(connect_audit_export_dest=str(dest), connect_audit_export_state=str(state))
        first = playbook(PLAY, server=server, extra_vars=variables).ok()
        fact = first["fact"]["connect_audit_export"]
        everything = sorted(int(e["id"]) for e in server.state.audit_logs)
        assert [int(e["id"]) for e in lines(dest)] == everything  # oldest first, all of them
        assert (fact["exported"], fact["total"]) == (len(everything), len(everything))
        assert fact["source"] == ("search" if server.version == "2025.09.0" else "audit_logs")
        last = max(e["time"] for e in server.state.audit_logs)

        # New activity: two entries at the same second as the last exported one, three a second later.
        new_ids = add_entries(server, last, 2) + add_entries(server, last + 1, 3)
        server.clear_log()
        checked = playbook(PLAY, server=server, check=True, extra_vars=variables).ok()
        assert checked["fact"]["connect_audit_export"]["exported"] == 5
        assert len(lines(dest)) == len(everything)  # check mode wrote nothing
        second = playbook(PLAY, server=server, extra_vars=variables).ok()
        assert second["role"]["_status"] == "ok"
        assert second["fact"]["connect_audit_export"]["exported"] == 5
        exported = [e["id"] for e in lines(dest)]
        assert exported[-5:] == new_ids and len(exported) == len(set(exported)) == len(everything) + 5
        assert server.writes() == []
        # The incremental run asked only for entries from the last exported time on.
        if server.version == "2025.09.0":
            searches = [e for e in server.requests if e["path"] == "/__api__/v1/search/auditlogs"
                        and e["query"] != {"page_size": "1"}]  # not the probe for the endpoint
            assert searches and all("from:" in e["query"]["q"] for e in searches)

        third = playbook(PLAY, server=server, extra_vars=variables).ok()
        assert third["fact"]["connect_audit_export"]["exported"] == 0
        [task] = [r for name, r in third.results.items() if name.endswith("Append the audit entries newer than the last export")]
        assert task["changed"] is False
        files.append([dict(e) for e in lines(dest)][:-5])
    assert files[0] == files[1]  # the search path and the audit_logs fallback wrote the same entries


def test_action_filter_a_dead_run_changed_filters_and_a_truncated_file(servers, playbook, tmp_path):
    server = servers[0]
    dest, state = tmp_path / "owners.jsonl", tmp_path / "owners.state"
    variables = dict(connect_audit_export_dest=str(dest), connect_audit_export_state=str(state),
                     connect_audit_export_actions=["add_application", "edit_application"])
    playbook(PLAY, server=server, extra_vars=variables).ok()
    first = lines(dest)
    assert first and {e["action"] for e in first} <= {"add_application", "edit_application"}

    # A run that died after appending but before its state file was updated left a tail behind.
    with open(dest, "a") as handle:
        handle.write('{"id": "partial"')
    new_ids = add_entries(server, int(time.time()), 2)
    playbook(PLAY, server=server, extra_vars=variables).ok()
    assert [e["id"] for e in lines(dest)] == [e["id"] for e in first] + new_ids

    changed = playbook(PLAY, server=server, extra_vars=dict(variables, connect_audit_export_actions=["add_user"]))
    assert changed.rc != 0 and "was written for other filters" in changed.stdout

    dest.write_text(dest.read_text()[:100])
    truncated = playbook(PLAY, server=server, extra_vars=variables)
    assert truncated.rc != 0 and "was truncated or replaced" in truncated.stdout

    dest.unlink()  # rotated away: a new file starts with the new entries only
    rotated_ids = add_entries(server, int(time.time()) + 1, 1)
    playbook(PLAY, server=server, extra_vars=variables).ok()
    assert [e["id"] for e in lines(dest)] == rotated_ids

    state.write_text("not json")
    corrupt = playbook(PLAY, server=server, extra_vars=variables)
    assert corrupt.rc != 0 and "is not a checkpoint of this module" in corrupt.stdout

    missing = playbook(PLAY, server=server, extra_vars=dict(connect_audit_export_dest=str(dest)))
    assert missing.rc != 0 and "missing required arguments: connect_audit_export_state" in missing.stdout
