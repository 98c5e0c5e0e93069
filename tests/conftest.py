"""Shared pytest fixtures: a Connect stand-in per test module and an ansible-playbook runner (playbook_runs.py)."""

import os
import sys

import pytest

from playbook_runs import bytecode_cache_env, localhost_play, run_playbook
from connect_standin import StandIn  # playbook_runs puts tests/standin on sys.path

# Every process the tests start (ansible-playbook and its modules, the benchmark, the demo, ansible-rulebook) keeps the
# bytecode of the modules' AnsiballZ payloads between tasks: the same code runs, a module task costs a third less CPU.
os.environ.update(bytecode_cache_env(os.environ))


# CONNECT_STANDIN_SPARSE=1 (make sparse): the module stand-ins answer with only the keys every real recording
# of an endpoint carries, to show that the collection copes with the least Connect has been seen to send.
SPARSE = os.environ.get("CONNECT_STANDIN_SPARSE", "") not in ("", "0")


@pytest.fixture(scope="module")
def standin():
    """One stand-in (demo organization) for all tests of a module; reset its faults per test."""
    server = StandIn(seed="demo", sparse=SPARSE)
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _stdin_stays_open():
    """The processes a test starts (ansible-playbook, ansible-rulebook, the benchmark) inherit this worker's fd 0.
    Ansible run in-process (pytest-ansible, connect_module) can leave fd 0 closed, and ansible-core 2.21's task
    workers then die ("Could not detach from stdio: Bad file descriptor"): /dev/null takes its place again."""
    yield
    try:
        os.fstat(0)
    except OSError:
        fd = os.open(os.devnull, os.O_RDONLY)
        if fd != 0:
            os.dup2(fd, 0)
            os.close(fd)


@pytest.fixture(autouse=True)
def _fresh_standin(request):
    """Tests start with an empty request log and no faults; state persists within the module."""
    if "standin" in request.fixturenames:
        server = request.getfixturevalue("standin")
        server.set_faults([])
        server.clear_log()
    yield


@pytest.fixture
def playbook(tmp_path, request):
    """Run a playbook (YAML text) against a stand-in: playbook(text, server=..., check=..., ...); playbook(tasks=text)
    runs a task list as a play on localhost (localhost_play)."""

    def run(text=None, server=None, tasks=None, **options):
        if server is None:
            server = request.getfixturevalue("standin")
        return run_playbook(localhost_play(tasks) if tasks is not None else text, server, tmp_path, **options)

    return run


@pytest.fixture
def connect_module(ansible_adhoc, request):
    """Call one posit.connect module on localhost through pytest-ansible, without a playbook:
    connect_module("connect_content", guid=..., title=...) -> the module's result (server and key: the stand-in's
    admin unless given)."""
    os.environ.setdefault("ANSIBLE_PYTHON_INTERPRETER", sys.executable)
    hosts = ansible_adhoc(inventory="localhost,", connection="local")

    def call(module, server=None, api_key=None, **args):
        server = server or request.getfixturevalue("standin")
        args.setdefault("server", server.url)
        args.setdefault("api_key", api_key if api_key is not None else server.keys["admin"])
        return getattr(hosts["localhost"], "posit.connect." + module)(**args)["localhost"]

    return call
