"""The client parses real responses recorded from Connect servers (posit-sdk-py's fixtures)."""

import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter

from ansible_collections.posit.connect.plugins.module_utils.api.client import ConnectClient

FIXTURES = next(p for p in Path(__file__).resolve().parents if p.name == "tests") / "fixtures" / "connect-api" / "fixtures" / "posit-sdk-py"
SERVER = "http://localhost:3443"  # the host the recorded paging URLs name


class ReplayAdapter(BaseAdapter):
    """Answers each request with the recorded file named after its path and query."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        name = unquote(parts.path).lstrip("/") + ("?" + unquote(parts.query) if parts.query else "")
        self.seen.append(name)
        candidate = self._find(unquote(parts.path).lstrip("/"), set(parse_qsl(parts.query)))
        if candidate:
            text = re.sub(r"^\s*//.*$", "", candidate.read_text(), flags=re.M)
            return self._response(request, 200, text)
        return self._response(request, 404, json.dumps({"code": 4, "error": "not recorded: " + name}))

    @staticmethod
    def _find(path, query):
        """The recording of this path whose query has every parameter of the request.

        The recorded `paging.next` URLs carry only the cursor, the recordings
        also the limit they were made with.
        """
        folder, base = (FIXTURES / path).parent, (FIXTURES / path).name
        matches = []
        for file in folder.glob(base + "*.json*"):
            stem, _mark, recorded = file.name.rsplit(".", 1)[0].partition("@")
            recorded = set(parse_qsl(recorded))
            if stem == base and query <= recorded:
                matches.append((len(recorded - query), file.name, file))
        return min(matches)[2] if matches else None

    @staticmethod
    def _response(request, status, text):
        resp = requests.Response()
        resp.status_code = status
        resp._content = text.encode()
        resp.headers["Content-Type"] = "application/json"
        resp.url = request.url
        resp.request = request
        return resp

    def close(self):
        pass


@pytest.fixture
def replay():
    client = ConnectClient(SERVER, "recorded")
    adapter = ReplayAdapter()
    client.session.mount("http://", adapter)
    client.adapter = adapter
    return client


def test_offset_paging_over_recorded_user_pages(replay):
    users = list(replay.paginate_offset("v1/users"))
    assert replay.adapter.seen == ["__api__/v1/users?page_size=500&page_number=1",
                                   "__api__/v1/users?page_size=500&page_number=2"]
    assert [u["username"] for u in users][:1] == ["al"]
    assert all("guid" in u and "user_role" in u for u in users)


def test_keyset_paging_over_recorded_usage_pages(replay):
    # The recorded second page has no 'next' at all: paging must end there. The second request is rebuilt from
    # paging.cursors.next with the first one's parameters (the recording's own name: limit=500&next=...), never
    # taken from the paging.next link, which names the host of Connect's Server.Address.
    usage = list(replay.paginate_keyset("v1/instrumentation/shiny/usage"))
    assert replay.adapter.seen[0] == "__api__/v1/instrumentation/shiny/usage?limit=500"
    assert replay.adapter.seen[1] == "__api__/v1/instrumentation/shiny/usage?limit=500&next=23948901087"
    assert len(replay.adapter.seen) == 2
    assert len(usage) >= 1 and "content_guid" in usage[0]


def test_recorded_content_and_permissions_parse(replay):
    guid = "f2f37341-e21d-3d80-c698-a935ad614066"
    item = replay.get("v1/content/%s" % guid)
    assert item["guid"] == guid and item["id"] == "8274" and item["init_timeout"] is None
    acl = replay.get("v1/content/%s/permissions" % guid)
    assert {p["principal_type"] for p in acl} <= {"user", "group"}
    assert all(p["role"] in ("viewer", "owner") for p in acl)
