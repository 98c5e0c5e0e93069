"""Unpaged listings read as they arrive (client.get_list, iter_json_array): the same items and the same errors as
decoding the whole answer (client.get), whatever the chunk boundaries, and never the whole answer in memory."""

import json
import threading
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.posit.connect.plugins.module_utils.api import client as client_module
from ansible_collections.posit.connect.plugins.module_utils.api.client import ConnectClient, ConnectError, iter_json_array
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import content_info
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import user_info
from ansible_collections.posit.connect.plugins.module_utils.concepts.usage import known_users
from ansible_collections.posit.connect.plugins.module_utils.resources.group import Members

HOSTILE = [
    "{{ lookup('pipe','touch X') }}", "{% if 1 %}x{% endif %}", "line\nbreak\rreturn\u2028sep\u0085next",
    "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "quote \" and \\ backslash", "] , { } [ : \"",
    "caf\u00e9 \u65e5\u672c \U0001d11e \U0001f600", "\t tab", "",
]


def listing(n=6):
    """A content listing whose strings hold every hostile shape, multi-byte characters and JSON's own punctuation."""
    return [{"guid": "%08d-0000-4000-8000-000000000000" % i, "name": "item-%d" % i, "title": HOSTILE[i % len(HOSTILE)],
             "description": "".join(HOSTILE), "id": str(i), "nested": {"list": [1, -2.5e3, None, True, "]"]},
             "owner": {"username": HOSTILE[(i + 3) % len(HOSTILE)]}} for i in range(n)]


def pieces(text, size):
    return [text[i:i + size] for i in range(0, len(text), size)]


DOCUMENTS = [
    json.dumps(listing()), json.dumps(listing(), ensure_ascii=False), json.dumps(listing(), indent=2),
    "[]", " [ ] ", "\n[\r\n1 , 23,-4.5e6 ,0,\t\"x\" , [ ] , { } , null,true,false ]\n", "[123456789]", "[[[[\"]\"]]]]",
]


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 100000])
def test_every_split_of_the_text_gives_what_json_loads_gives(document, size):
    assert list(iter_json_array(pieces(document, size))) == json.loads(document)


def test_a_split_at_every_position_inside_a_string_holding_json_punctuation():
    document = json.dumps([{"a": "] , { [ \" \\ }"}, 12345, {"b": "\u2028\U0001f600"}], ensure_ascii=False)
    for cut in range(len(document) + 1):
        assert list(iter_json_array([document[:cut], document[cut:]])) == json.loads(document), cut


BAD = ["", "   ", "[", "[1", "[1,", "[1,]", "[1 2]", "[1]]", "[1] x", "[\"abc", "[{\"a\": 1}", "[01]", "[tru]",
       "{\"a\": 1}", "null", "\"[1]\"", "\ufeff[1]", "[1,,2]", "[\"a\nb\"]"]


@pytest.mark.parametrize("document", BAD)
@pytest.mark.parametrize("size", [1, 3, 100])
def test_what_json_loads_rejects_or_is_no_array_raises_value_error(document, size):
    try:
        wanted = json.loads(document)
    except ValueError:
        wanted = None
    assert not isinstance(wanted, list)
    with pytest.raises(ValueError):
        list(iter_json_array(pieces(document, size)))


class Answers(BaseHTTPRequestHandler):
    """Serves ANSWERS[path] = (content type, body bytes) with a Content-Length; records each request's path."""
    protocol_version = "HTTP/1.1"
    answers, log = {}, []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.log.append(self.path)
        ctype, body = self.answers[self.path.split("?")[0]]
        self.send_response(200)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def answers():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def outcome(call):
    try:
        return "ok", call()
    except ConnectError as exc:
        return "error", str(exc), exc.status


ANSWERS = {
    "/__api__/v1/utf8": ("application/json", json.dumps(listing(), ensure_ascii=False).encode("utf-8")),
    "/__api__/v1/escaped": ("application/json; charset=utf-8", json.dumps(listing(), indent=1).encode("ascii")),
    "/__api__/v1/bad-utf8": ("application/json", b'[{"title": "a\xff\xfeb\xe2\x80"}, {"title": "\xf0\x9f\x98"}]'),
    "/__api__/v1/object": ("application/json", b'{"error": "not a list", "items": []}'),
    "/__api__/v1/null": ("application/json", b"null"),
    "/__api__/v1/empty": ("application/json", b""),
    "/__api__/v1/spaces": ("application/json", b"  \n "),
    "/__api__/v1/truncated": ("application/json", json.dumps(listing()).encode()[:-40]),
    "/__api__/v1/garbage": ("application/json", b'[{"a": 1}, {"b": 2}' + b" x" * 5000 + b"]"),
    "/__api__/v1/extra": ("application/json", b"[1, 2] [3]"),
    "/__api__/v1/bom": ("application/json", b"\xef\xbb\xbf[1]"),
    "/__api__/v1/html": ("text/html", b"<html>[1]</html>"),
    "/__api__/v1/latin1": ("application/json; charset=latin-1", '["caf\u00e9"]'.encode("latin-1")),
    "/__api__/v1/no-charset": ("application/vnd.connect+json", json.dumps(listing()).encode()),
}


@pytest.mark.parametrize("path", sorted(ANSWERS))
@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64 * 1024])
def test_get_list_answers_and_fails_as_get_does(answers, monkeypatch, path, chunk):
    """Chunk boundaries fall inside multi-byte characters, escapes and strings holding ] , {; the bytes that are not
    UTF-8 become U+FFFD as requests decodes them; a body that is not an array, not JSON or cut short gives the same
    result or the same one-line error (with the same byte count) as decoding it whole."""
    Answers.answers = dict((key, value) for key, value in ANSWERS.items())
    monkeypatch.setattr(client_module, "LISTING_CHUNK", chunk)
    client = ConnectClient("http://127.0.0.1:%d" % answers.server_address[1], "key")
    api_path = path[len("/__api__/"):]
    whole = outcome(lambda: client.get(api_path))
    streamed = outcome(lambda: client.get_list(api_path))
    assert streamed == whole
    if path in ("/__api__/v1/utf8", "/__api__/v1/escaped"):
        assert whole == ("ok", listing())
    if path == "/__api__/v1/truncated":
        assert "malformed JSON (%d bytes)" % len(ANSWERS[path][1]) in whole[1]


def test_keys_keep_only_those_keys_of_each_item_in_connects_order(answers):
    Answers.answers = dict(ANSWERS)
    client = ConnectClient("http://127.0.0.1:%d" % answers.server_address[1], "key")
    kept = client.get_list("v1/utf8", keys=frozenset(("title", "guid", "absent")))
    assert kept == [dict(guid=item["guid"], title=item["title"]) for item in listing()]
    assert [list(item) for item in kept] == [["guid", "title"]] * len(kept)


def big_listing(items=200, size=20000):
    return [{"guid": "%08d-0000-4000-8000-000000000000" % i, "name": "n%d" % i, "title": "\u00e9" * 10,
             "description": ("x\u2028{[\"]" * size)[:size], "owner_guid": "o"} for i in range(items)]


def test_a_listing_is_never_held_whole_in_memory(answers):
    """A 4 MiB listing read with two keys kept: the reading's peak is a small part of the answer's size (decoding it
    whole holds its bytes, its text and every item at once)."""
    body = json.dumps(big_listing(), ensure_ascii=False).encode("utf-8")
    Answers.answers = {"/__api__/v1/content": ("application/json", body)}
    client = ConnectClient("http://127.0.0.1:%d" % answers.server_address[1], "key")
    client.get_list("v1/content", keys=("guid",))  # the connection is open before the measure
    tracemalloc.start()
    try:
        items = client.get_list("v1/content", keys=("guid", "name"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(body) > 4 * 1024 * 1024 and len(items) == 200
    assert peak < len(body) / 8, "reading the listing peaked at %d bytes for a %d-byte answer" % (peak, len(body))


def test_connect_content_info_with_fields_keeps_only_what_it_returns_and_filters_on(answers):
    """content_info asks the listing for the fields it returns and the keys its filters read: the same items, with
    every key a filter needs, and one request as before."""
    items = big_listing(items=5, size=10)
    items[2]["app_mode"] = "shiny"
    Answers.answers = {"/__api__/v1/content": ("application/json", json.dumps(items).encode())}
    Answers.log = []
    client = ConnectClient("http://127.0.0.1:%d" % answers.server_address[1], "key")
    found = content_info(client, dict(fields=["title"], include=[], app_mode=["shiny"]))
    assert found == [dict(guid=items[2]["guid"], name="n2", title=items[2]["title"], app_mode="shiny",
                          owner_guid="o")]
    assert Answers.log == ["/__api__/v1/content"]


class Users:
    """A client whose GET /v1/users pages hold full user records."""

    def __init__(self, users):
        self.users = users

    def paginate_offset(self, path, params=None, pages_at_once=1):
        assert path == "v1/users"
        return iter(self.users)


def test_connect_user_info_with_fields_keeps_what_it_returns_and_filters_on_as_each_page_arrives():
    users = [{"guid": "g%d" % i, "username": "u%d" % i, "email": "{{ x }}@example.com", "locked": i == 1,
              "active_time": None, "first_name": "\u2028"} for i in range(3)]
    params = dict(guid=None, username=None, prefix=None, role=None, account_status=None, inactive_since=None,
                  locked=False, fields=["username"])
    assert user_info(Users(users), params)["users"] == [
        {"username": "u0", "locked": False, "active_time": None}, {"username": "u2", "locked": False, "active_time": None}]
    assert user_info(Users(users), dict(params, fields=None))["users"] == [users[0], users[2]]


def test_the_items_share_their_key_strings_as_json_loads_makes_them():
    """Parsed element by element, the items still share one string per key name (json.loads shares them across the
    whole document): 10,000 items of 45 keys would otherwise hold 450,000 strings more."""
    document = json.dumps(listing(20))
    items = list(iter_json_array(pieces(document, 50)))
    assert items == json.loads(document)
    assert len(set(id(key) for item in items for key in item)) == len(items[0])
    assert len(set(id(key) for item in items for key in item["owner"])) == 1


def test_usage_keeps_each_known_user_by_guid_and_username_alone():
    usage = [{"user_guid": "g1"}, {"user_guid": None}, {"user_guid": "g2"}]
    users = iter([{"guid": "g%d" % i, "username": "{{ u%d }}" % i, "email": "\u2028", "first_name": "x"}
                  for i in range(5)])
    assert known_users(usage, users) == [{"guid": "g1", "username": "{{ u1 }}"}, {"guid": "g2", "username": "{{ u2 }}"}]
    assert next(users)["guid"] == "g3"  # read only until every user was found


class Pages:
    def __init__(self, records):
        self.records, self.paths = records, []

    def paginate_offset(self, path, params=None, pages_at_once=1):
        self.paths.append(path)
        return iter(self.records)


def test_the_group_members_facet_keeps_each_member_by_guid_and_username_alone():
    """connect_group reads every group's members (all_groups): each member keeps what the plan, diff and summary read."""
    members = [{"guid": "g1", "username": "{{ u1 }}", "email": "a@b", "first_name": "\u2028", "locked": False}]
    engine, item = type("Engine", (), {})(), type("Item", (), {})()
    engine.client, item.current = Pages(members), {"guid": "group-1"}
    assert Members().read(engine, item) == [{"guid": "g1", "username": "{{ u1 }}"}]
    assert engine.client.paths == ["v1/groups/group-1/members"]
