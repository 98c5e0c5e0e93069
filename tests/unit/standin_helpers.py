"""What the stand-in's tests share (tests/unit/test_standin_*.py): a client of its API, Connect's error answers, the
OpenAPI reference's schemas (tests/fixtures/connect-api/openapi), the recorded responses of posit-sdk-py, bundle
archives and the demo seed's people and content. The fixtures (`server`, `demo`, `fresh`, `admin`) are in
tests/unit/conftest.py; tests/conftest.py puts tests/standin on sys.path."""

import datetime
import gzip
import io
import json
import tarfile
from pathlib import Path

import requests
import yaml
from jsonschema import Draft202012Validator, FormatChecker

from connect_standin.errors import CODES

STANDIN_DIR = Path(__file__).resolve().parents[1] / "standin"
REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "connect-api"
RECORDINGS = REFERENCE / "fixtures" / "posit-sdk-py" / "__api__"
HOSTILE = "{{ lookup('pipe','touch /tmp/pwned') }} {% raw %}\n\r\u2028\u0085=cmd|' /C calc'!A0<script>\"'"

FORMATS = FormatChecker()
_DOCS = {}


@FORMATS.checks("date-time", raises=ValueError)
def _rfc3339(value):
    return not isinstance(value, str) or bool(datetime.datetime.fromisoformat(value).tzinfo)


# ------------------------------------------------------------------ the API
class Client:
    """Calls the stand-in's API as one of its users (who: a key of server.keys; None: without a key), on one
    keep-alive session. client(method, "/v1/...") calls under /__api__; client.call(method, "/__api__/v1/...")
    takes the path from the server's root."""

    def __init__(self, server, who="admin"):
        self.server = server
        self.session = requests.Session()
        self.session.trust_env = False
        self.key = server.keys[who] if who else None

    def call(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.key:
            headers["Authorization"] = f"Key {self.key}"
        return self.session.request(method, self.server.url + path, headers=headers, timeout=10, **kwargs)

    def __call__(self, method, path, **kwargs):
        return self.call(method, "/__api__" + path, **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def ok(self, method, path, **kwargs):
        response = self.call(method, path, **kwargs)
        assert response.status_code < 300, (response.status_code, response.text)
        return response.json() if response.content else None


def plain(method, url, **kwargs):
    """A request without the Client's key and session (always with a timeout)."""
    return requests.request(method, url, timeout=10, **kwargs)


def error(response, status, name):
    """Assert the answer is Connect's APIError of this status and error name; return its body."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == CODES[name], body
    assert set(body) == {"code", "error", "payload"}
    return body


# ------------------------------------------------------- the demo seed
def user(server, username):
    return server.state.user_by_username(username)


def content(server, name, owner="dave"):
    guid = user(server, owner)["guid"]
    return next(c for c in server.state.content.values() if c["name"] == name and c["owner_guid"] == guid)


def guid_of(server, name, owner="dave"):
    return content(server, name, owner)["guid"]


# ---------------------------------------------------- the OpenAPI reference
def allow_null_refs(node):
    """The 3.0.3 -> 3.2.0 conversion dropped `nullable` where a property is only an allOf reference
    (tests/fixtures/connect-api/openapi/SOURCE.md); Connect answers null there (recorded environments)."""
    if isinstance(node, dict):
        node = {k: allow_null_refs(v) for k, v in node.items()}
        if "allOf" in node and "type" not in node:
            return {"anyOf": [{"type": "null"}, node]}
        return node
    if isinstance(node, list):
        return [allow_null_refs(v) for v in node]
    return node


def openapi(document):
    """The reference document posit-<document>-api-openapi.yml, loaded once."""
    if document not in _DOCS:
        text = (REFERENCE / "openapi" / f"posit-{document}-api-openapi.yml").read_text()
        _DOCS[document] = allow_null_refs(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    return _DOCS[document]


def schema(document, path, method, status):
    """The response schema (with the document's components) of one operation and status; an error status the
    document does not list: still an APIError. None where the listed answer has no JSON body."""
    doc = openapi(document)
    responses = doc["paths"][path][method.lower()]["responses"]
    if str(status) in responses:
        found = responses[str(status)].get("content", {}).get("application/json", {}).get("schema")
    else:
        assert status >= 400, (method, path, status, "not an answer the reference lists")
        found = {"$ref": "#/components/schemas/APIError"}
    return None if found is None else dict(found, components=doc["components"])


def conforms(response, document, path, method="GET", each=False):
    """Assert the response body validates against the OpenAPI response schema; return the body. each: the
    reference declares one object where Connect answers a list of them (the content API's associations, see the
    recorded answer)."""
    declared = schema(document, path, method, response.status_code)
    if declared is None:
        assert not response.content, response.content
        return None
    validator = Draft202012Validator(declared, format_checker=FORMATS)
    answer = response.json()
    if each:
        assert isinstance(answer, list), answer
    errors = [e for item in (answer if each else [answer]) for e in validator.iter_errors(item)]
    assert not errors, f"{method} {path} {response.status_code}: {errors[0].message} at {list(errors[0].path)}"
    return answer


# ------------------------------------------------- recordings and bundles
def recorded(path):
    """A recorded answer of posit-sdk-py (a path below tests/fixtures/connect-api/fixtures/posit-sdk-py/__api__)."""
    return json.loads((RECORDINGS / path).read_text())


def recorded_keys(relative):
    """The keys of a recorded v1 answer (of its first item, for a list)."""
    data = recorded("v1/" + relative)
    return list((data[0] if isinstance(data, list) else data).keys())


def archive(files, gz=True):
    """A bundle: a tar (gzipped unless gz is false) of {name: text}."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(buffer.getvalue()) if gz else buffer.getvalue()
