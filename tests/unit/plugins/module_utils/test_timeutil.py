"""module_utils/files/timeutil.py: times in options (RFC3339, dates, relative) and their formatting for Connect."""

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.posit.connect.plugins.module_utils.files.timeutil import format_time, parse_rfc3339, parse_time, parse_window

NOW = datetime(2025, 3, 10, 12, 0, 0, tzinfo=timezone.utc)


# -- time ------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("-7d", NOW - timedelta(days=7)),
    ("-12h", NOW - timedelta(hours=12)),
    ("-30m", NOW - timedelta(minutes=30)),
    ("-45s", NOW - timedelta(seconds=45)),
    ("-2w", NOW - timedelta(weeks=2)),
    ("2025-01-31T12:00:00Z", datetime(2025, 1, 31, 12, tzinfo=timezone.utc)),
    ("2025-01-31t12:00:00z", datetime(2025, 1, 31, 12, tzinfo=timezone.utc)),
    ("2025-01-31T07:00:00-05:00", datetime(2025, 1, 31, 12, tzinfo=timezone.utc)),
    ("2025-01-31T13:30:00+01:30", datetime(2025, 1, 31, 12, tzinfo=timezone.utc)),
    ("2025-01-31T12:00:00.5Z", datetime(2025, 1, 31, 12, 0, 0, 500000, tzinfo=timezone.utc)),
    # nanoseconds (Connect's precision) are truncated to microseconds
    ("2025-01-31T12:00:00.123456789Z", datetime(2025, 1, 31, 12, 0, 0, 123456, tzinfo=timezone.utc)),
])
def test_parse_time_accepts_rfc3339_and_relative(text, expected):
    parsed = parse_time(text, "since", now=NOW)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("bad", ["yesterday", "7d", "-7y", "2025-01-31T12:00:00", "2025-02-30", "2025-1-31",
                                 "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "-d", "+7d"])
def test_parse_time_rejects_other_formats_naming_the_option(bad):
    with pytest.raises(ValueError) as err:
        parse_time(bad, "until", now=NOW)
    message = str(err.value)
    assert "Option 'until'" in message and repr(bad) in message
    assert "RFC3339" in message and "-7d" in message and "2025-01-31 (00:00 UTC)" in message


@pytest.mark.parametrize("option", ["since", "until"])
def test_a_date_without_a_time_is_that_day_at_midnight_utc(option):
    assert parse_time("2025-01-01", option, now=NOW) == datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert parse_window("2025-01-01", "2025-02-01", now=NOW) == (
        datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2025, 2, 1, tzinfo=timezone.utc))


def test_parse_time_none_and_empty_are_unset():
    assert parse_time(None, "since") is None
    assert parse_time("  ", "since") is None


def test_window_uses_one_now_and_rejects_inverted_bounds():
    since, until = parse_window("-2h", "-1h", now=NOW)
    assert until - since == timedelta(hours=1)
    with pytest.raises(ValueError, match="since is after until"):
        parse_window("-1h", "-2h", now=NOW)
    with pytest.raises(ValueError, match="Option 'since'"):
        parse_window("soon", None, now=NOW)


def test_format_time_is_utc_rfc3339():
    assert format_time(datetime(2025, 1, 31, 7, tzinfo=timezone(-timedelta(hours=5)))) == "2025-01-31T12:00:00Z"
    assert format_time(datetime(2025, 1, 31, 12, 0, 0, 1500, tzinfo=timezone.utc)) == "2025-01-31T12:00:00.001500Z"
    # round trip
    moment = datetime(2025, 1, 31, 12, 0, 0, 123456, tzinfo=timezone.utc)
    assert parse_rfc3339(format_time(moment)) == moment
