"""pytest plugin: run posit-sdk's integration suite (written for a real Connect) against the stand-in.

Loaded by tools/sdk_suite.py (`-p standin_plugin`).  Each test module gets a fresh stand-in, started as a
user would start it (`python -m connect_standin --seed empty ...`: one administrator and nothing else),
reporting a version that enables every version-gated test; the SDK reads CONNECT_SERVER and CONNECT_API_KEY.
The tests listed in expected_failures.txt are marked strict xfail: one that starts passing fails the run.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
STANDIN_PATH = HERE.parent / "standin"
EXPECTED_FAILURES = HERE / "expected_failures.txt"
VERSION = "2026.01.0"          # the newest version the suite's version gates name
TESTS_ROOT = "integration/tests/"  # node ids are relative to the sdist's root; the list's ids to its tests


class StandInProcess:
    """`python -m connect_standin --seed empty` in a child process."""

    def __init__(self, workdir):
        self.workdir = Path(tempfile.mkdtemp(prefix="standin-", dir=workdir))
        self.process = None
        self.url = None
        self.keys = None

    def start(self, timeout=30):
        port_file, keys_file = self.workdir / "port", self.workdir / "keys.json"
        environ = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(STANDIN_PATH),
                                                                            os.environ.get("PYTHONPATH")])))
        with open(self.workdir / "stderr", "wb") as stderr:
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                [sys.executable, "-m", "connect_standin", "--seed", "empty", "--version", VERSION,
                 "--port", "0", "--port-file", str(port_file), "--keys-file", str(keys_file)],
                stdout=subprocess.DEVNULL, stderr=stderr, env=environ)
        deadline = time.monotonic() + timeout
        while not port_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the stand-in did not start:\n"
                                   + (self.workdir / "stderr").read_text(errors="replace"))
            time.sleep(0.02)
        self.keys = json.loads(keys_file.read_text())
        self.url = f"http://127.0.0.1:{int(port_file.read_text())}"
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def environ(self):
        return {"CONNECT_SERVER": self.url, "CONNECT_API_KEY": self.keys["admin"]}


def read_expected_failures(path=EXPECTED_FAILURES):
    """{test id: reason} from lines `test id — reason` (blank lines and `#` comments ignored)."""
    expected = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        test_id, sep, reason = line.partition(" — ")
        if not sep or not reason.strip():
            raise pytest.UsageError(f"{path}:{number}: expected `test id — reason`, got {line!r}")
        expected[test_id.strip()] = reason.strip()
    return expected


def _test_id(item):
    nodeid = item.nodeid
    return nodeid[len(TESTS_ROOT):] if nodeid.startswith(TESTS_ROOT) else nodeid


_COLLECTION_STANDIN = []


def pytest_configure(config):
    # The suite's package __init__ asks the server for its version on import: a stand-in for collection.
    workdir = Path(tempfile.mkdtemp(prefix="sdk-suite-"))
    config.stash_workdir = workdir
    server = StandInProcess(workdir).start()
    _COLLECTION_STANDIN.append(server)
    os.environ.update(server.environ())


def pytest_unconfigure(config):
    while _COLLECTION_STANDIN:
        _COLLECTION_STANDIN.pop().stop()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    expected = read_expected_failures()
    collected_files = {_test_id(item).split("::")[0] for item in items}
    ids = {_test_id(item) for item in items}
    stale = sorted(test_id for test_id in expected
                   if test_id.split("::")[0] in collected_files and test_id not in ids)
    if stale:
        raise pytest.UsageError(f"{EXPECTED_FAILURES} names tests the suite does not have: {stale}")
    for item in items:
        reason = expected.get(_test_id(item))
        if reason is not None:
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True))


_FAILED_AS_EXPECTED = set()  # node ids of the classes and modules in which a listed test failed as expected


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A class's (or module's) teardown that fails after one of its listed tests failed as expected (e.g. it
    asserts that every item the tests created is gone) is reported as an expected failure too."""
    outcome = yield
    report = outcome.get_result()
    if report.when in ("setup", "call") and getattr(report, "wasxfail", None) is not None:
        _FAILED_AS_EXPECTED.add(item.parent.nodeid)
    elif report.when == "teardown" and report.failed and item.parent.nodeid in _FAILED_AS_EXPECTED:
        report.outcome = "skipped"
        report.wasxfail = "teardown after an expected failure in " + item.parent.nodeid
    del call


@pytest.fixture(scope="module", autouse=True)
def fresh_standin(request):
    """A fresh stand-in for each test module (set up before the module's classes and their setup_class)."""
    server = StandInProcess(request.config.stash_workdir).start()
    saved = {name: os.environ.get(name) for name in ("CONNECT_SERVER", "CONNECT_API_KEY")}
    os.environ.update(server.environ())
    yield server
    server.stop()
    os.environ.update({name: value for name, value in saved.items() if value is not None})
