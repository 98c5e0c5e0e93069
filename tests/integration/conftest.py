"""Fixtures of the integration tests (their helpers: tests/playbook_runs.py and connect_state.py here)."""

import pytest

from connect_standin import StandIn


@pytest.fixture
def demo(standin):
    """A fresh demo organization (the module's stand-in reset to the demo seed), for tests that change it."""
    standin.reset(seed="demo")
    return standin


@pytest.fixture(scope="module")
def server():
    """A demo stand-in of the module's own, never sparse (the roles' tests)."""
    standin = StandIn(seed="demo").start()
    yield standin
    standin.stop()


@pytest.fixture
def org(server):
    """The module's own stand-in reset to the demo seed."""
    server.reset(seed="demo")
    return server
