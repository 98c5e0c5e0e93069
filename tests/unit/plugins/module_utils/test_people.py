"""principals' directory lookup and inactivity filter, and the group members facet's plan, without a server."""

from datetime import datetime, timezone

import pytest

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import inactive_since, require_remote
from ansible_collections.posit.connect.plugins.module_utils.resources.group import Members


class Directory:
    def __init__(self, results):
        self.results, self.calls = results, []

    def get(self, path, params=None):
        self.calls.append((path, params))
        return {"results": self.results, "total": len(self.results)}


def test_require_remote_takes_the_one_exact_entry_or_lists_the_candidates():
    client = Directory([{"username": "jsmith", "temp_ticket": "t1"}, {"username": "jsmithers", "temp_ticket": "t2"}])
    assert require_remote(client, "users", "jsmith", "username")["temp_ticket"] == "t1"
    assert client.calls[0] == ("v1/users/remote", {"prefix": "jsmith", "limit": 500})
    with pytest.raises(InputError, match=r"Option 'items\[2\]\.username': no entry is exactly 'js' .*'jsmith', 'jsmithers'"):
        require_remote(client, "users", "js", "items[2].username")
    twice = Directory([{"name": "ops", "temp_ticket": "a"}, {"name": "ops", "temp_ticket": "b"}])
    with pytest.raises(InputError, match="several entries match 'ops'"):
        require_remote(twice, "groups", "ops", "name")


def test_inactive_since_keeps_users_never_active_or_active_before():
    users = [{"username": "old", "active_time": "2024-01-01T00:00:00Z"}, {"username": "never", "active_time": None},
             {"username": "new", "active_time": "2025-06-01T00:00:00Z"}]
    kept = inactive_since(users, datetime(2025, 1, 1, tzinfo=timezone.utc))
    assert [u["username"] for u in kept] == ["old", "never"]


def user(name):
    return {"guid": "guid-" + name, "username": name}


@pytest.mark.parametrize("current,add,remove,purge,expected", [
    (["a"], ["a"], [], False, None),
    (["a"], ["b", "b"], [], False, {"add": ["b"], "remove": []}),
    (["a", "c"], ["b"], [], True, {"add": ["b"], "remove": ["a", "c"]}),
    (["a", "c"], [], ["c", "z"], False, {"add": [], "remove": ["c"]}),
    (None, ["a"], [], False, {"add": ["a"], "remove": []}),
])
def test_members_plan_at_least_purge_and_remove(current, add, remove, purge, expected):
    facet = Members()
    plan = facet.plan(None, None, None if current is None else [user(n) for n in current],
                      dict(add=[user(n) for n in add], remove=[user(n) for n in remove], purge=purge))
    if expected is None:
        assert plan is None
        return
    assert dict((op, [u["username"] for u in users]) for op, users in plan.items()) == expected
    end = facet.view(facet.end([user(n) for n in current or []], None, plan))
    assert end == sorted(set(current or []) - set(expected["remove"]) | set(expected["add"]))
    assert facet.summary(plan) == dict((op, names) for op, names in expected.items() if names)
