"""resources/content_ops.py and the client's visit: the content URL is built from 'server' alone, a redirect is not
followed, and each operation refuses the wrong kind of item before any request."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.posit.connect.plugins.module_utils.api.client import ConnectClient
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.resources.content_ops import Build, Render, Restart
from ansible_collections.posit.connect.plugins.module_utils.engine.engine import Engine, Item

GUID = "ccbd1a41-90a0-4b7b-89c7-16dd9ad47eb5"


@pytest.fixture
def redirecting():
    """A server under a path prefix whose content page redirects to another host."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.command, self.path, self.headers.get("Authorization")))
            self.send_response(302)
            self.send_header("Location", "https://elsewhere.example.com/steal")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d/rsc/__api__/v1" % httpd.server_address[1], seen
    httpd.shutdown()


def test_visit_builds_the_url_from_server_and_follows_no_redirect(redirecting):
    server, seen = redirecting
    client = ConnectClient(server, "k" * 32, retries=0)
    assert client.visit("content/%s/" % GUID) == 302
    assert seen == [("GET", "/rsc/content/%s/" % GUID, "Key " + "k" * 32)]


def plan(operation_class, **content):
    engine = Engine(client=None)
    operation = operation_class(engine, dict(wait=True, wait_timeout=10))
    item = Item(0, dict(guid=GUID))
    item.current = dict(dict(guid=GUID, name="x", title="X", bundle_id="7"), **content)
    operation.plan(item)
    return operation.identity(item)


@pytest.mark.parametrize("operation_class,mode,names", [
    (Render, "shiny", "connect_content_restart"),
    (Render, "static", "not rendered content"),
    (Restart, "rmd-static", "connect_content_render"),
    (Restart, "static", "not interactive content"),
])
def test_the_wrong_kind_of_content_fails_naming_the_module_that_fits(operation_class, mode, names):
    with pytest.raises(InputError, match=names):
        plan(operation_class, app_mode=mode)


def test_restart_refuses_a_user_who_may_not_view_or_edit_and_reads_app_role_with_a_fallback():
    with pytest.raises(InputError, match="may not view"):
        plan(Restart, app_mode="shiny", app_role="none")
    with pytest.raises(InputError, match="not change its environment"):
        plan(Restart, app_mode="shiny", app_role="viewer")
    plan(Restart, app_mode="shiny")  # no app_role: the visit's answer tells
    plan(Restart, app_mode="python-fastapi", app_role="editor")


def test_build_and_render_need_an_active_bundle():
    with pytest.raises(InputError, match="no active bundle"):
        plan(Build, app_mode="shiny", bundle_id=None)
    with pytest.raises(InputError, match="no active bundle"):
        plan(Render, app_mode="rmd-static", bundle_id=None)
    assert plan(Build, app_mode="shiny")["bundle_id"] == "7"
