"""module_utils/concepts/usage.py: the instrumentation query parameters and the per-content and per-user summary."""

from datetime import datetime, timezone

from ansible_collections.posit.connect.plugins.module_utils.concepts import usage
from ansible_collections.posit.connect.plugins.module_utils.concepts.usage import summarize_usage

NOW = datetime(2025, 3, 10, 12, 0, 0, tzinfo=timezone.utc)


# -- usage ----------------------------------------------------------------------------

def test_usage_params():
    assert usage.usage_params() == {"asc_order": "true"}
    assert usage.usage_params(since=datetime(2025, 1, 1, tzinfo=timezone.utc), until=NOW, content_guid="g") == {
        "asc_order": "true", "from": "2025-01-01T00:00:00Z", "to": "2025-03-10T12:00:00Z", "content_guid": "g"}


def test_summarize_usage_counts_and_joins():
    usage = [
        {"content_guid": "c1", "user_guid": "u1"},
        {"content_guid": "c1", "user_guid": "u2"},
        {"content_guid": "c1", "user_guid": "u1"},
        {"content_guid": "c2", "user_guid": "u2"},
        {"content_guid": "c3", "user_guid": None},
    ]
    content = [{"guid": "c1", "title": "Sales", "name": "sales"}, {"guid": "c2", "title": None, "name": "raw"}]
    consumed = []

    def users():
        for user in ({"guid": "u2", "username": "bob"}, {"guid": "u1", "username": "alice"},
                     {"guid": "u9", "username": "never-reached"}):
            consumed.append(user["guid"])
            yield user

    summary = summarize_usage(usage, content, users())
    assert summary["by_content"] == [
        {"content_guid": "c1", "title": "Sales", "name": "sales", "count": 3, "users": 2},
        {"content_guid": "c2", "title": None, "name": "raw", "count": 1, "users": 1},
        {"content_guid": "c3", "title": None, "name": None, "count": 1, "users": 0},
    ]
    assert summary["by_user"] == [
        {"user_guid": "u1", "username": "alice", "count": 2},
        {"user_guid": "u2", "username": "bob", "count": 2},
        {"user_guid": None, "username": None, "count": 1},
    ]
    assert consumed == ["u2", "u1"]  # stops reading users once all are known


def test_summarize_empty_usage_reads_no_users():
    class Users:
        def __iter__(self):
            raise AssertionError("users read")

    assert summarize_usage([], [], Users()) == {"by_content": [], "by_user": []}
