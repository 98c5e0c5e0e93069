"""A stand-in for Posit Connect's HTTP API, for tests, demos and benchmarks.

    from connect_standin import StandIn
    with StandIn(seed="demo") as server:
        ...  # server.url, server.keys["admin"], server.requests, server.state

See tests/standin/README.md.
"""

from .server import StandIn

__all__ = ["StandIn"]
