"""Fixtures of the stand-in's unit tests (tests/unit/test_standin_*.py); their helpers are in standin_helpers.py.

A test module sets the stand-in's keyword arguments (StandIn(**STANDIN), for example {"version": "2026.01.0"}) in a
module-level STANDIN dict; without one the stand-in is the default demo server."""

import pytest

from connect_standin import StandIn
from standin_helpers import Client


def _standin(request):
    return StandIn(**getattr(request.module, "STANDIN", {}))


@pytest.fixture
def server(request):
    """A stand-in of the test's own, for tests that write or change settings."""
    with _standin(request) as standin:
        yield standin


@pytest.fixture(scope="module")
def module_server(request):
    """One stand-in for every test of a module (each test resets it through `admin`)."""
    with _standin(request) as standin:
        yield standin


@pytest.fixture
def admin(module_server):
    """The module's stand-in, reset to its seed, called as the administrator."""
    module_server.reset()
    return Client(module_server)


@pytest.fixture(scope="module")
def demo():
    """A shared demo server for read-only tests."""
    with StandIn() as standin:
        yield standin


@pytest.fixture
def fresh():
    """A demo server of one's own, for tests that write or change settings."""
    with StandIn() as standin:
        yield standin
