"""content_report's listings return only the keys its rows read (issue 29: at 10,000 items and 50,000 users every
other key of every record passing through Ansible cost more CPU than the requests), and every key the rows read."""

from pathlib import Path

import yaml

from ansible_collections.posit.connect.plugins.filter.content_report import COLUMNS

TASKS = Path(__file__).resolve().parents[2] / "roles" / "content_report" / "tasks" / "main.yml"


def _tasks(tasks):
    for task in tasks:
        yield task
        yield from _tasks(task.get("block", []))


def listings(module):
    return [task[module] for task in _tasks(yaml.safe_load(TASKS.read_text())) if module in task]


def listing(module):
    found = listings(module)
    assert len(found) == 1, module
    return found[0]


def test_each_listing_names_its_fields():
    computed = {"owner", "permissions", "shiny_sessions", "visits", "usage"}  # report_rows writes these
    content_fields = listing("posit.connect.connect_content_info").get("fields") or []
    assert set(COLUMNS) - computed <= set(content_fields)
    assert {"owner_guid", "owner", "permissions"} <= set(content_fields)  # the owner and the ACL it names
    # connect_content_info names each ACL entry (principal_name) from its own listing of the users and of the groups:
    # the role lists neither itself
    assert listings("posit.connect.connect_user_info") == [] and listings("posit.connect.connect_group_info") == []
