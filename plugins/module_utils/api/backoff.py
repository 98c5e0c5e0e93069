# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's retry pacing, shared by every thread of one ConnectClient (module_utils/api/client.py).

Exponential backoff with jitter between retries; after an HTTP 429 a pause that
every thread waits out, with the pauses of a run drawn from one budget
(option rate_limit_wait); and a count of the retried requests by cause, for the
one warning per task. client.py's request loop says why this is not urllib3's Retry.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import threading
import time

try:
    from urllib3.util.retry import Retry
except ImportError:  # pragma: no cover - client.py reports the missing library
    Retry = None

MAX_BACKOFF = 30.0
RATE_LIMIT_WAIT = 300.0  # default total seconds a client may spend paused by HTTP 429 (option rate_limit_wait)


def retry_after_of(resp):
    """The response's Retry-After in seconds (a number or an HTTP date), or None."""
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return Retry().parse_retry_after(value)
    except Exception:  # urllib3's InvalidHeader: ignore a header we cannot read
        return None


class Backoff:
    """How long to wait before a retry, and the 429 pause every thread shares."""

    def __init__(self, retries, backoff, rate_limit_wait, log):
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.rate_limit_wait = max(0.0, float(rate_limit_wait))
        self.log = log
        self._lock = threading.Lock()
        self._throttled_until = 0.0  # time.monotonic() before which no request is sent (after a 429)
        self._throttled_total = 0.0  # seconds of 429 pauses so far, against rate_limit_wait
        self._retried = {}  # cause of the first retry ("HTTP 503") -> [requests that succeeded, that failed]

    def delay(self, attempt):
        """Exponential backoff with a little jitter: backoff, 2 x backoff, 4 x ... up to MAX_BACKOFF."""
        delay = min(MAX_BACKOFF, self.backoff * (2 ** (attempt - 1)))
        return delay + random.uniform(0, delay / 4)

    def pause(self, attempt, retry_after, what):
        """Sleep before retry `attempt`: Retry-After when Connect sent one, else the backoff delay."""
        delay = retry_after if retry_after is not None else self.delay(attempt)
        self.log("%s; retry %d of %d in %.1fs" % (what, attempt, self.retries, delay))
        time.sleep(delay)

    def wait_while_throttled(self):
        """Connect answered 429 (too many requests): no thread sends until its Retry-After has passed."""
        wait = self._throttled_until - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def pause_everyone(self, delay, what):
        """After a 429 every thread of this client waits `delay` seconds (see wait_while_throttled).

        False, without waiting, when the pause would take the run's 429 pauses past rate_limit_wait."""
        with self._lock:
            now = time.monotonic()
            added = max(0.0, now + delay - max(now, self._throttled_until))
            if self._throttled_total + added > self.rate_limit_wait:
                return False
            self._throttled_total += added
            self._throttled_until = max(self._throttled_until, now + delay)
            total = self._throttled_total
        self.log("%s; waiting %.1fs (%.0fs of rate_limit_wait %.0fs used)" % (what, delay, total, self.rate_limit_wait))
        self.wait_while_throttled()
        return True

    def count(self, causes, succeeded):
        """Count one request: retried for causes[0] (when retried at all), and whether it succeeded in the end."""
        if causes:
            with self._lock:
                self._retried.setdefault(causes[0], [0, 0])[0 if succeeded else 1] += 1

    def summary(self):
        """One line about every retry of the run, or None when nothing was retried.

        "37 requests were retried after HTTP 503; all succeeded"."""
        with self._lock:
            counts = sorted(self._retried.items(), key=lambda item: (-sum(item[1]), item[0]))
        if not counts:
            return None
        total = sum(sum(item[1]) for item in counts)
        failed = sum(item[1][1] for item in counts)
        if len(counts) == 1:
            causes = counts[0][0]
        else:
            named = ["%s (%d)" % (cause, sum(n)) for cause, n in counts]
            causes = ", ".join(named[:-1]) + " and " + named[-1]
        if failed == 0:
            outcome = "it succeeded" if total == 1 else "all succeeded"
        elif failed == total:
            outcome = "it still failed" if total == 1 else "all still failed"
        else:
            outcome = "%d succeeded, %d still failed" % (total - failed, failed)
        return "%d request%s retried after %s; %s" % (total, " was" if total == 1 else "s were", causes, outcome)
