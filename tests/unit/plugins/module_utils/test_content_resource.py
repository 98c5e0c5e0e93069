"""The pure logic of the content modules: validation, comparison, planning, and a lost create.

A small in-memory client stands in for ConnectClient here, so each rule is
tested on its own; the integration tests run the modules against the stand-in.
"""

import copy
import time

import pytest

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError as ContentInputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_fields import check_process_limits, desired_fields
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import pick_by_name
from ansible_collections.posit.connect.plugins.module_utils.concepts.fields import CREATABLE_FIELDS, RESETTABLE_FIELDS, WRITABLE_FIELDS

from ansible_collections.posit.connect.plugins.module_utils.engine.engine import Engine, Item
from ansible_collections.posit.connect.plugins.module_utils.resources.content import ContentResource, PartlyCreatedError


class ContentManager:
    """connect_content's two forms over the engine and the content resource, as the module runs them."""

    def __init__(self, client, check_mode=False, diff_mode=False, warn=None):
        self.engine = Engine(client, check_mode=check_mode, diff_mode=diff_mode, concurrency=1, warn=warn)

    def ensure(self, params):
        resource, items = self.engine.run(ContentResource, dict(params), None)
        return self.engine.single_result(resource, items[0])

    def ensure_many(self, params, items):
        resource, done = self.engine.run(ContentResource, dict(params, items=items), items or [])
        result = self.engine.batch_result(resource, done)
        result.update(resource.batch_extras(done))
        return result


def compute_patch(current, desired):
    """The fields the content resource would send for this current item and these desired fields."""
    item = Item(None, {})
    item.current, item.desired = current, desired
    return ContentResource(Engine(None), {}).compare(item)


ALICE = "11111111-1111-4111-8111-111111111111"
BOB = "22222222-2222-4222-8222-222222222222"
VIEWER = "33333333-3333-4333-8333-333333333333"
USERS = {
    ALICE: dict(guid=ALICE, username="alice", user_role="administrator", locked=False),
    BOB: dict(guid=BOB, username="bob", user_role="publisher", locked=False),
    VIEWER: dict(guid=VIEWER, username="vera", user_role="viewer", locked=False),
}


def guid_of(n):
    return "%08x-0000-4000-8000-%012x" % (n, n)


def item(n, owner=ALICE, **fields):
    """A content item as Connect returns it: every writable field present (null unless set)."""
    base = dict((field, None) for field in WRITABLE_FIELDS)
    base.update(guid=guid_of(n), id=str(n), name="item-%d" % n, title="Item %d" % n, description="",
                access_type="acl", owner_guid=owner, locked=False, min_processes=None, max_processes=None,
                init_timeout=None, app_mode="shiny")
    base.update(fields)
    return base


class FakeClient:
    """Content and users in memory, the ConnectClient methods the content code calls, and a request log."""

    def __init__(self, items=(), lose_post=False):
        self.content = dict((c["guid"], dict(c)) for c in items)
        self.log = []
        self.lose_post = lose_post
        self.next = 1000

    def _record(self, method, path):
        self.log.append((method, path))

    def writes(self):
        return [entry for entry in self.log if entry[0] != "GET"]

    def get(self, path, params=None):
        self._record("GET", path)
        if path == "v1/content":
            found = list(self.content.values())
            if params and "name" in params:
                found = [c for c in found if c["name"] == params["name"]]
            return copy.deepcopy(found)
        if path.startswith("v1/content/"):
            guid = path.split("/")[2]
            if guid not in self.content:
                raise ConnectError("GET /%s failed: HTTP 404" % path, method="GET", path=path, status=404, code=4)
            return dict(self.content[guid])
        if path == "v1/user":
            return USERS[ALICE]
        if path == "v1/users":
            prefix = (params or {}).get("prefix", "")
            found = [u for u in USERS.values() if u["username"].startswith(prefix)]
            return dict(results=found, total=len(found), current_page=1)
        if path.startswith("v1/users/"):
            if path.split("/")[2] not in USERS:
                raise ConnectError("GET /%s failed: HTTP 404" % path, method="GET", path=path, status=404, code=4)
            return dict(USERS[path.split("/")[2]])
        raise AssertionError(path)

    def get_list(self, path, params=None, keys=None):
        found = self.get(path, params)
        return [dict((k, v) for k, v in c.items() if keys is None or k in keys) for c in found]

    def server_settings(self):
        return dict(version="2024.01.0")

    def get_or_none(self, path, params=None):
        try:
            return self.get(path, params)
        except ConnectError as exc:
            if exc.status == 404:
                return None
            raise

    def current_user(self):
        return self.get("v1/user")

    def post(self, path, body=None):
        self._record("POST", path)
        self.next += 1
        created = item(self.next, name=body["name"], title=None)
        created.update(body)
        self.content[created["guid"]] = created
        if self.lose_post:
            raise ConnectError("Could not connect to Connect for POST /__api__/v1/content: connection reset",
                               method="POST", path="/__api__/v1/content")
        return dict(created)

    def patch(self, path, body=None):
        self._record("PATCH", path)
        guid = path.split("/")[2]
        if "boom" in (body.get("title"), body.get("locked_message")):
            raise ConnectError("PATCH /%s failed: HTTP 400: Connect error 3 InvalidId: boom" % path,
                               method="PATCH", path=path, status=400, code=3)
        self.content[guid].update(body)
        return dict(self.content[guid])

    def delete(self, path):
        self._record("DELETE", path)
        del self.content[path.split("/")[2]]

    def map_concurrent(self, func, items, concurrency=8):
        out = []
        for one in items:
            try:
                out.append((one, func(one), None))
            except ConnectError as exc:
                out.append((one, None, exc))
        return out


# -- the field tables follow Connect's OpenAPI ---------------------------------


def test_field_tables_match_the_openapi_update_and_create_inputs():
    yaml = pytest.importorskip("yaml")
    from pathlib import Path
    spec = next(p for p in Path(__file__).resolve().parents if p.name == "tests") / "fixtures" / "connect-api" / "openapi" / "posit-content-api-openapi.yml"
    schemas = yaml.safe_load(spec.read_text())["components"]["schemas"]
    assert set(WRITABLE_FIELDS) == set(schemas["UpdateContentInput"]["properties"])
    assert set(CREATABLE_FIELDS) == set(schemas["CreateContentInput"]["properties"])
    kinds = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}

    def types(prop):
        return prop["type"] if isinstance(prop.get("type"), list) else [prop.get("type")]
    for field, prop in schemas["UpdateContentInput"]["properties"].items():
        assert WRITABLE_FIELDS[field] == kinds[types(prop)[0]], field
        # reset only where both the input and the content read back may be null
        nullable = "null" in types(prop) and "null" in types(schemas["Content"]["properties"][field])
        assert (field in RESETTABLE_FIELDS) == (nullable and field != "owner_guid"), field


# -- desired fields -------------------------------------------------------------


def test_only_options_that_were_set_are_managed():
    desired = desired_fields(dict(title="The title", description=None, owner="bob", locked=False,
                                  settings={"memory_limit": "1024", "otel_enabled": "yes"},
                                  reset=["init_timeout", "min_processes"]))
    assert desired == dict(title="The title", owner_guid="bob", locked=False, memory_limit=1024, otel_enabled=True,
                           init_timeout=None, min_processes=None)


@pytest.mark.parametrize("params,message", [
    (dict(settings={"guid": "x"}), "Option 'settings': 'guid' is not a writable content field. Writable fields: "),
    (dict(settings={"app_mode": "shiny"}), "'app_mode' is not a writable content field"),
    (dict(settings={"memory_limit": "lots"}), "Option 'settings.memory_limit': memory_limit must be an integer"),
    (dict(settings={"min_processes": True}), "min_processes must be an integer"),
    (dict(settings={"run_as": 5}), "run_as must be a string"),
    (dict(settings={"access_type": "public"}), "Option 'settings.access_type' must be one of 'all', 'logged_in', 'acl'"),
    (dict(settings={"description": None}), "description cannot be null"),
    (dict(title="a", settings={"title": "b"}), "Option 'settings.title' sets title, which option 'title' already sets"),
    (dict(reset=["access_type"]), "Option 'reset': 'access_type' cannot be reset"),
    (dict(reset=["owner_guid"]), "'owner_guid' cannot be reset"),
    (dict(reset=["locked"]), "'locked' cannot be reset"),
    (dict(settings={"otel_enabled": None}), "Option 'settings.otel_enabled': otel_enabled cannot be null; set a value"),
    (dict(init_timeout=5, reset=["init_timeout"]), "Option 'reset' lists init_timeout, which option 'init_timeout' sets"),
    (dict(min_processes=-1), "Option 'min_processes' must be 0 or more, got -1."),
    (dict(idle_timeout=-5), "Option 'idle_timeout' must be 0 or more"),
    (dict(settings={"memory_limit": -1}), "Option 'settings.memory_limit' must be 0 or more"),
    (dict(max_processes=0), "Option 'max_processes' must be 1 or more"),
    (dict(load_factor=1.5), "Option 'load_factor' must be between 0 and 1"),
    (dict(min_processes=3, max_processes=2),
     "Options 'min_processes' and 'max_processes': min_processes (3) is greater than max_processes (2)"),
    (dict(settings={"default_environment_guid": "nope"}), "must be an environment guid"),
    (dict(settings={"name": "bad name!"}), "is not a valid content name"),
])
def test_bad_input_is_named_precisely(params, message):
    with pytest.raises(ContentInputError) as info:
        desired_fields(params)
    assert message in str(info.value)


def test_item_messages_name_the_item():
    with pytest.raises(ContentInputError, match=r"Option 'items\[4\]\.min_processes' must be 0 or more"):
        desired_fields(dict(min_processes=-2), "items[4].")


def test_min_over_max_counts_current_values():
    check_process_limits(dict(min_processes=None, max_processes=3), dict(min_processes=3))
    with pytest.raises(ContentInputError, match=r"min_processes \(4\) is greater than max_processes \(3, its current value\)"):
        check_process_limits(dict(min_processes=None, max_processes=3), dict(min_processes=4))
    with pytest.raises(ContentInputError, match=r"min_processes \(2, its current value\) is greater than max_processes \(1\)"):
        check_process_limits(dict(min_processes=2, max_processes=5), dict(max_processes=1))
    check_process_limits(dict(min_processes=2, max_processes=5), dict(max_processes=1, min_processes=None))


def test_patch_has_only_differing_fields_and_bool_is_not_int():
    current = dict(title="T", locked=False, min_processes=1, load_factor=0.5, init_timeout=None)
    assert compute_patch(current, dict(title="T", locked=False, load_factor=0.5, init_timeout=None)) == {}
    assert compute_patch(current, dict(min_processes=True, locked=0, init_timeout=None)) == dict(min_processes=True, locked=0)
    assert compute_patch({}, dict(locked=False)) == dict(locked=False)  # a field the server did not send


def test_ambiguous_name_lists_guids_and_owners_or_is_narrowed_by_owner():
    matches = [item(1, owner=ALICE, name="x"), item(2, owner=BOB, name="x")]
    matches[1]["owner"] = dict(username="bob")  # as include=owner adds it
    with pytest.raises(ContentInputError) as info:
        pick_by_name(matches, "x")
    text = str(info.value)
    assert "2 content items are named 'x'" in text and guid_of(1) in text and guid_of(2) in text
    assert "owner %s" % ALICE in text and "owner bob" in text
    assert pick_by_name(matches, "x", BOB)["guid"] == guid_of(2)
    assert pick_by_name([], "x") is None


# -- the single-item flow ----------------------------------------------------------


def test_create_posts_creatable_fields_then_one_patch_for_the_rest():
    client = FakeClient()
    result = ContentManager(client).ensure(dict(name="new-app", title="New app", owner="bob", locked=True,
                                                min_processes=1, reset=["init_timeout"]))
    assert result["changed"] and result["content"]["owner_guid"] == BOB and result["content"]["locked"] is True
    assert client.writes() == [("POST", "v1/content"), ("PATCH", "v1/content/%s" % result["content"]["guid"])]


def test_lost_create_response_is_looked_up_never_repeated():
    client = FakeClient(lose_post=True)
    warnings = []
    result = ContentManager(client, warn=warnings.append).ensure(dict(name="new-app", title="New app"))
    assert [w for w in client.writes() if w[0] == "POST"] == [("POST", "v1/content")]
    assert result["content"]["name"] == "new-app" and result["changed"]
    assert "found the created item" in warnings[0]
    assert client.log[-1] == ("GET", "v1/content")  # the lookup by name, after the POST


def test_lost_create_that_did_not_happen_says_so():
    class Refusing(FakeClient):
        def post(self, path, body=None):
            self._record("POST", path)
            raise ConnectError("POST /__api__/v1/content timed out after 30s", method="POST", path=path)
    client = Refusing()
    with pytest.raises(ConnectError, match="No content named 'new-app' exists, so nothing was created; re-run"):
        ContentManager(client).ensure(dict(name="new-app"))
    assert client.writes() == [("POST", "v1/content")]


def test_viewer_or_unknown_owner_fails_before_any_write():
    client = FakeClient([item(1)])
    for owner, message in (("vera", "is a viewer"), ("nobody", "no Connect user")):
        with pytest.raises(ContentInputError, match=message):
            ContentManager(client).ensure(dict(guid=guid_of(1), owner=owner, title="changed"))
    assert client.writes() == []


def test_check_mode_predicts_without_writing():
    client = FakeClient([item(1)])
    result = ContentManager(client, check_mode=True, diff_mode=True).ensure(dict(guid=guid_of(1), title="New"))
    assert result["changed"] and result["content"]["title"] == "New" and result["content"]["guid"] == guid_of(1)
    header = "content 'item-1' (%s)" % guid_of(1)
    assert result["diff"] == dict(before=dict(title="Item 1"), after=dict(title="New"), before_header=header,
                                  after_header=header)
    assert client.writes() == [] and client.content[guid_of(1)]["title"] == "Item 1"


# -- the batch flow ------------------------------------------------------------------


def test_batch_reads_once_and_patches_only_differing_items():
    items = [item(n, owner=BOB if n % 10 == 0 else ALICE) for n in range(1, 1001)]
    client = FakeClient(items)
    started = time.process_time()
    result = ContentManager(client).ensure_many(dict(owner="bob", state="present"),
                                                [dict(guid=guid_of(n)) for n in range(1, 1001)])
    elapsed = time.process_time() - started
    assert [m for m, p in client.log if m == "GET" and p == "v1/content"] == ["GET"]
    assert len(client.writes()) == 900 and all(write[0] == "PATCH" for write in client.writes())
    assert result["changed"] and result["changed_count"] == 900 and result["matched"] == 1000
    assert result["failed_count"] == 0 and result["failed_items"] == []
    assert elapsed < 1.0, elapsed

    client.log = []
    again = ContentManager(client).ensure_many(dict(owner="bob", state="present"),
                                               [dict(guid=guid_of(n)) for n in range(1, 1001)])
    assert not again["changed"] and again["changed_count"] == 0
    assert client.writes() == [] and len(client.log) == 2  # the content list and one user lookup


def test_a_handoff_reads_the_new_owners_names_keeping_guid_and_name_alone():
    """Names are unique per owner: a handoff reads the new owner's items once (they may own most of the server) and
    keeps each one's guid and name, which is all the clash check reads; a clash still fails that item alone."""
    asked = []

    class ByOwner(FakeClient):
        def get_list(self, path, params=None, keys=None):
            asked.append(((params or {}).get("owner_guid"), keys))
            owner = (params or {}).get("owner_guid")
            return [c for c in super(ByOwner, self).get_list(path, params, keys)
                    if owner is None or self.content[c["guid"]]["owner_guid"] == owner]

    theirs = item(3, owner=BOB, name="forecast-app", description="long text " * 50)
    client = ByOwner([item(1, name="forecast-app"), item(2, name="other"), theirs])
    result = ContentManager(client).ensure_many(dict(owned_by="alice", owner="bob"), None)
    assert asked[1] == (BOB, ("guid", "name"))
    clash, moved = sorted(result["results"], key=lambda entry: entry["name"])
    assert clash["status"] == "failed" and clash["clash"] == dict(guid=guid_of(3), name="forecast-app")
    assert moved["status"] == "updated" and client.content[guid_of(2)]["owner_guid"] == BOB
    assert client.content[guid_of(1)]["owner_guid"] == ALICE


def test_a_batch_listing_keeps_only_the_fields_the_batch_reads():
    """A handoff of every item reads each listed item's guid, name, title, owner and the fields the task sets: the rest
    of each item is dropped as the listing is parsed; a field this server's items lack is still refused."""
    asked = []

    class Keeping(FakeClient):
        def get_list(self, path, params=None, keys=None):
            asked.append(keys)
            return super(Keeping, self).get_list(path, params, keys)

    client = Keeping([item(n, description="long text " * 50) for n in range(1, 4)])
    result = ContentManager(client).ensure_many(dict(owned_by="alice", owner="bob"), None)
    assert result["changed_count"] == 3 and asked[0] is not None
    assert {"guid", "name", "title", "owner_guid"} <= asked[0] and "description" not in asked[0]
    assert [entry["title"] for entry in result["results"]] == ["Item 1", "Item 2", "Item 3"]

    asked[:] = []
    client = Keeping([item(n) for n in range(1, 3)])
    for listed in client.content.values():
        del listed["description"]  # an older server's content items lack the field
    result = ContentManager(client).ensure_many(dict(description="new"), [dict(guid=guid_of(1)), dict(guid=guid_of(2))])
    assert "description" in asked[0] and result["failed_count"] == 2 and client.writes() == []
    assert "not a field of this server's content items" in result["failed_items"][0]["msg"]


def test_batch_item_failures_do_not_stop_the_others():
    client = FakeClient([item(1), item(2), item(3, name="dup"), item(4, name="dup", owner=BOB), item(5, min_processes=3)])
    result = ContentManager(client).ensure_many(dict(state="present"), [
        dict(guid=guid_of(1), title="boom"),                # the server refuses
        dict(guid=guid_of(2), title="fine"),
        dict(name="dup", title="ambiguous"),                # two items named dup
        dict(guid=guid_of(9), title="missing"),             # no such guid
        dict(guid=guid_of(2), title="again"),               # listed twice
        dict(guid=guid_of(1), owner="vera"),                # viewer as owner
        dict(guid=guid_of(5), max_processes=2),            # below the current min_processes
    ])
    assert result["failed"] and result["failed_count"] == 7 and result["changed_count"] == 0
    by_index = dict((e["index"], e) for e in result["results"])
    # two items select guid 2: both fail before any write, since which one was meant cannot be known
    assert "items[1] selects the same content as items[4]" in by_index[1]["msg"]
    assert client.content[guid_of(2)]["title"] != "fine"
    assert "InvalidId: boom" in by_index[0]["msg"] and by_index[0]["error"]["status"] == 400
    assert "2 content items are named 'dup'" in by_index[2]["msg"]
    assert "no content with guid %s" % guid_of(9) in by_index[3]["msg"]
    assert "items[4] selects the same content as items[1]" in by_index[4]["msg"]
    assert "is a viewer" in by_index[5]["msg"]
    assert "min_processes (3, its current value) is greater than max_processes (2)" in by_index[6]["msg"]
    assert "7 of 7 content items failed" in result["msg"]
    assert list(client.writes()) == [("PATCH", "v1/content/%s" % guid_of(1))]


def test_batch_invalid_input_fails_before_any_request():
    client = FakeClient([item(1)])
    with pytest.raises(ContentInputError, match=r"Option 'items\[1\]\.settings': 'bogus' is not a writable"):
        ContentManager(client).ensure_many(dict(state="present"), [dict(guid=guid_of(1)), dict(guid=guid_of(1), settings={"bogus": 1})])
    with pytest.raises(ContentInputError, match=r"Option 'items\[0\]\.guid': 'abc' is not a content guid"):
        ContentManager(client).ensure_many(dict(state="present"), [dict(guid="abc")])
    assert client.log == []


def test_batch_top_level_values_are_overridden_per_field_by_items():
    client = FakeClient([item(1), item(2)])
    result = ContentManager(client, check_mode=True, diff_mode=True).ensure_many(
        dict(state="present", title="Shared", settings={"memory_limit": 10}),
        [dict(guid=guid_of(1)), dict(guid=guid_of(2), title="Own", settings={"cpu_limit": 1.5})])
    assert result["results"][0]["changes"] == dict(title="Shared", memory_limit=10)
    assert result["results"][1]["changes"] == dict(title="Own", memory_limit=10, cpu_limit=1.5)
    assert result["results"][1]["msg"] == "would update cpu_limit, memory_limit, title"
    assert len(result["diff"]) == 2 and result["diff"][1]["before"] == dict(title="Item 2", memory_limit=None, cpu_limit=None)
    assert client.writes() == []


def test_batch_creates_and_deletes():
    client = FakeClient([item(1), item(2)])
    result = ContentManager(client).ensure_many(dict(state="present"), [
        dict(name="brand-new", title="Brand new"), dict(guid=guid_of(2), state="absent"), dict(name="gone", state="absent")])
    assert [e["msg"] for e in result["results"]] == ["created", "deleted", "absent"]
    assert result["results"][0]["guid"] in client.content and guid_of(2) not in client.content


def test_owner_chooses_which_of_several_same_names_to_delete():
    client = FakeClient([item(1, name="dup"), item(2, name="dup", owner=BOB), item(3, name="solo")])
    result = ContentManager(client).ensure_many(dict(state="absent"), [
        dict(name="dup", owner="bob"), dict(name="solo", owner="bob")])
    # with an owner, the name selects among that owner's items only: bob owns no 'solo'
    assert [e["msg"] for e in result["results"]] == ["deleted", "absent"]
    assert sorted(client.content) == [guid_of(1), guid_of(3)]
    client = FakeClient([item(1, name="dup"), item(2, name="dup", owner=BOB)])
    assert ContentManager(client).ensure(dict(name="dup", owner="alice", state="absent"))["changed"]
    assert sorted(client.content) == [guid_of(2)]


def test_a_create_whose_patch_fails_reports_the_created_item():
    client = FakeClient()
    with pytest.raises(PartlyCreatedError, match=r"Created content \S+ \(half-done\) but could not then set locked_message"):
        ContentManager(client).ensure(dict(name="half-done", locked_message="boom"))
    result = ContentManager(client).ensure_many(dict(state="present"), [dict(name="half-done-2", locked_message="boom")])
    entry = result["results"][0]
    assert entry["changed"] and entry["failed"] and client.content[entry["guid"]]["name"] == "half-done-2"
    assert result["failed"] and result["changed"] and result["changed_count"] == result["failed_count"] == 1


def test_a_field_the_servers_content_lacks_fails_before_any_write_naming_the_version():
    old = item(1)
    del old["otel_enabled"]  # a server from before the field existed
    client = FakeClient([old])
    for check_mode in (True, False):
        with pytest.raises(ContentInputError, match=r"otel_enabled is not a field of this server's content items "
                                                    r"\(Connect 2024\.01\.0\)"):
            ContentManager(client, check_mode=check_mode).ensure(dict(guid=guid_of(1), settings={"otel_enabled": True}))
    assert client.writes() == []


def test_a_move_onto_a_name_the_new_owner_uses_fails_that_item_only():
    client = FakeClient([item(1, name="forecast-app"), item(2, owner=BOB, name="forecast-app"), item(3, name="other")])
    for check_mode in (True, False):
        result = ContentManager(client, check_mode=check_mode).ensure_many(
            dict(owner="bob", state="present"), [dict(guid=guid_of(1)), dict(guid=guid_of(3))])
        clash, moved = result["results"]
        assert clash["status"] == "failed" and clash["clash"] == dict(guid=guid_of(2), name="forecast-app")
        assert "bob already owns an item named 'forecast-app' (%s)" % guid_of(2) in clash["msg"]
        assert moved["status"] == "updated" and result["failed"]
    assert client.writes() == [("PATCH", "v1/content/%s" % guid_of(3))]
    with pytest.raises(ContentInputError, match="cannot be renamed to 'forecast-app'"):
        ContentManager(client).ensure(dict(guid=guid_of(3), name="forecast-app", owner="bob"))
