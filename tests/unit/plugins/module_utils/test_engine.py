"""module_utils/engine/engine.py on its own: planning, check mode, diff, facets and statuses, with no server.

The resource here keeps its objects in a dict; the client is only the
concurrency helper the engine borrows (map_concurrent).
"""

import pytest

from ansible_collections.posit.connect.plugins.module_utils.engine.engine import Engine
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Facet, Resource
from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError


class Client:
    """What the engine needs of ConnectClient: map_concurrent (run in order here)."""

    def map_concurrent(self, func, items, concurrency=8):
        out = []
        for item in items:
            try:
                out.append((item, func(item), None))
            except ConnectError as exc:
                out.append((item, None, exc))
        return out


class Store:
    def __init__(self, **objects):
        self.objects = dict((name, dict(obj, name=name)) for name, obj in objects.items())
        self.members = dict((name, set(obj.pop("members", ()))) for name, obj in self.objects.items())
        self.writes = []
        self.reads = 0


class Members(Facet):
    """A list-valued facet with purge, as tags, ACLs and group members are."""

    name = "members"

    def read(self, engine, item):
        engine.store.reads += 1
        return sorted(engine.store.members.get(item.spec["name"], ()))

    def plan(self, engine, item, current, wanted):
        current = set(current or ())
        add = sorted(set(wanted) - current)
        remove = sorted(current - set(wanted)) if item.spec.get("purge") else []
        if "nobody" in add:
            raise InputError("Option '%smembers': no user 'nobody'." % item.where)
        return dict(add=add, remove=remove) if add or remove else None

    def apply(self, engine, item, operations):
        members = engine.store.members.setdefault(item.spec["name"], set())
        for name in operations["add"]:
            engine.store.writes.append(("add", item.spec["name"], name))
            members.add(name)
        for name in operations["remove"]:
            engine.store.writes.append(("remove", item.spec["name"], name))
            members.discard(name)

    def view(self, value):
        return sorted(value or ())


class Things(Resource):
    kind = "thing"
    result_key = "thing"
    facets = (Members(),)

    def __init__(self, engine, top):
        super(Things, self).__init__(engine, top)
        self.store = engine.store

    def prepare(self, item):
        if not item.spec.get("name"):
            raise InputError("Option '%sname' is required." % item.where)
        for field in ("size", "color"):
            value = item.spec.get(field, self.top.get(field) if item.index is not None else None)
            if value is not None or field in item.spec.get("reset", ()):
                item.desired[field] = value
        if item.spec.get("members") is not None:
            item.facets["members"] = item.spec["members"]

    def read(self, items):
        self.store.reads += 1  # one list request for all
        for item in items:
            found = self.store.objects.get(item.spec["name"])
            item.current = dict(found) if found else None

    def key(self, item):
        return item.spec["name"]

    def normalise(self, field, value):
        return value.lower() if field == "color" and value else value

    def check(self, item, changes):
        if changes.get("size", 0) is not None and changes.get("size", 0) < 0:
            raise InputError("Option '%ssize' must be 0 or more." % item.where)

    def identity(self, item):
        return dict(name=item.spec["name"])

    def create(self, item):
        if item.spec["name"] == "flaky":
            raise ConnectError("POST /things failed: HTTP 500", status=500)
        self.store.writes.append(("create", item.spec["name"]))
        self.store.objects[item.spec["name"]] = dict(item.desired, name=item.spec["name"])
        return dict(self.store.objects[item.spec["name"]])

    def update(self, item, changes):
        self.store.writes.append(("update", item.spec["name"], tuple(sorted(changes))))
        self.store.objects[item.spec["name"]].update(changes)
        return dict(self.store.objects[item.spec["name"]])

    def delete(self, item):
        self.store.writes.append(("delete", item.spec["name"]))
        del self.store.objects[item.spec["name"]]


def engine(store, check_mode=False, diff_mode=True):
    eng = Engine(Client(), check_mode=check_mode, diff_mode=diff_mode)
    eng.store = store
    return eng


def batch(store, top, items, **kw):
    eng = engine(store, **kw)
    resource, done = eng.run(Things, dict(top, items=items), items)
    return eng.batch_result(resource, done)


def single(store, params, **kw):
    eng = engine(store, **kw)
    resource, done = eng.run(Things, params, None)
    return eng.single_result(resource, done[0])


def test_only_the_fields_set_are_compared_with_their_normalisation():
    store = Store(a=dict(size=1, color="Red"))
    result = single(store, dict(name="a", color="red"))
    assert result == dict(changed=False, thing=dict(size=1, color="Red", name="a"),
                          diff=dict(before={}, after={}, before_header="thing 'a'", after_header="thing 'a'"))
    assert store.writes == []


def test_reset_to_null_is_a_change_and_then_unchanged():
    store = Store(a=dict(size=1, color="red"))
    result = single(store, dict(name="a", reset=["size"]))
    assert result["changed"] and result["diff"] == dict(before=dict(size=1), after=dict(size=None),
                                                        before_header="thing 'a'", after_header="thing 'a'")
    assert store.objects["a"]["size"] is None
    assert single(store, dict(name="a", reset=["size"]))["changed"] is False


def test_check_mode_reads_everything_writes_nothing_and_predicts_the_end_state():
    store = Store(a=dict(size=1, color="red", members=["x"]))
    result = single(store, dict(name="a", size=5, members=["x", "y"]), check_mode=True)
    assert result["changed"] and result["thing"] == dict(size=5, color="red", name="a")
    assert result["diff"] == dict(before=dict(size=1, members=["x"]), after=dict(size=5, members=["x", "y"]),
                                  before_header="thing 'a'", after_header="thing 'a'")
    assert store.writes == [] and store.reads == 2  # the object and its facet
    real = single(store, dict(name="a", size=5, members=["x", "y"]))
    assert real["thing"] == result["thing"] and real["diff"] == result["diff"]
    assert store.writes == [("update", "a", ("size",)), ("add", "a", "y")]


def test_batch_merges_top_level_options_and_gives_every_item_a_status():
    store = Store(keep=dict(size=2, color="blue"), grow=dict(size=1, color="blue"), old=dict(size=1))
    items = [dict(name="keep"), dict(name="grow", size=3), dict(name="new"), dict(name="old", state="absent"),
             dict(name="gone", state="absent"), dict(name="bad", size=-1), dict(name="flaky")]
    result = batch(store, dict(size=2, color="BLUE"), items)
    statuses = [(e["name"], e["status"], e["changed"], e["msg"]) for e in result["results"]]
    assert statuses == [
        ("keep", "unchanged", False, "unchanged"),
        ("grow", "updated", True, "updated size"),
        ("new", "created", True, "created"),
        ("old", "deleted", True, "deleted"),
        ("gone", "unchanged", False, "absent"),
        ("bad", "failed", False, "Option 'items[5].size' must be 0 or more."),
        ("flaky", "failed", False, "POST /things failed: HTTP 500"),
    ]
    assert store.objects["grow"]["size"] == 3 and store.objects["new"] == dict(size=2, color="BLUE", name="new")
    assert "old" not in store.objects and "bad" not in store.objects
    assert result["failed"] and result["failed_count"] == 2 and result["changed_count"] == 3
    assert [e["index"] for e in result["failed_items"]] == [5, 6]
    assert result["msg"].startswith("2 of 7 things failed (the others were applied): items[5] bad: Option")
    assert [d["before"] for d in result["diff"]] == [dict(size=1), {}, dict(size=1, name="old")]


def test_a_batch_keeps_each_items_result_entry_not_its_object():
    """The batch form returns entries only: once an item is done, the write's answer (or the predicted object) is let
    go, so a batch of 10,000 items does not hold 10,000 objects; the single form still returns its object."""
    items = [dict(name="keep"), dict(name="grow", size=3), dict(name="new", size=1)]
    for check_mode in (False, True):
        store = Store(keep=dict(size=2), grow=dict(size=1))
        eng = engine(store, check_mode=check_mode)
        resource, done = eng.run(Things, dict(items=items), items)
        assert [item.result for item in done] == [None, None, None]
        assert [item.report["status"] for item in done] == ["unchanged", "updated", "created"]
        result = eng.batch_result(resource, done)
        assert [entry is item.report for entry, item in zip(result["results"], done)] == [True, True, True]
        assert result["diff"][0]["after"] == dict(size=3)
    assert single(Store(grow=dict(size=1)), dict(name="grow", size=3))["thing"] == dict(size=3, name="grow")


def test_bad_input_fails_the_task_before_any_read_or_write():
    store = Store(a=dict(size=1))
    with pytest.raises(InputError, match=r"Option 'items\[1\]\.name' is required"):
        batch(store, {}, [dict(name="a", size=2), dict(size=3)])
    assert store.reads == 0 and store.writes == []


def test_the_same_object_twice_fails_both_items_before_any_write():
    store = Store(a=dict(size=1), b=dict(size=1))
    result = batch(store, {}, [dict(name="a", size=2), dict(name="b", size=5), dict(name="a", size=3)])
    assert [e["status"] for e in result["results"]] == ["failed", "updated", "failed"]
    assert result["results"][0]["msg"] == "items[0] selects the same thing as items[2]; list each one once."
    assert result["results"][2]["msg"] == "items[2] selects the same thing as items[0]; list each one once."
    assert store.objects["a"]["size"] == 1 and store.writes == [("update", "b", ("size",))]


def test_a_facet_is_read_and_written_only_when_set_and_purge_removes_the_rest():
    store = Store(a=dict(size=1, members=["x", "y"]), b=dict(size=1, members=["x"]))
    result = batch(store, {}, [dict(name="a", members=["x"]), dict(name="b", size=1)])
    assert [e["status"] for e in result["results"]] == ["unchanged", "unchanged"]
    assert store.reads == 2  # the listing and a's members, not b's
    result = batch(store, {}, [dict(name="a", members=["x", "z"], purge=True)])
    assert result["results"][0]["changes"] == dict(members=dict(add=["z"], remove=["y"]))
    assert store.members["a"] == {"x", "z"}


def test_a_facet_refusal_fails_that_item_before_any_write():
    store = Store(a=dict(size=1))
    result = batch(store, {}, [dict(name="a", size=2, members=["nobody"]), dict(name="b")])
    assert result["results"][0]["status"] == "failed" and "no user 'nobody'" in result["results"][0]["msg"]
    assert store.writes == [("create", "b")]


def test_a_created_object_gets_its_facets_after_the_create():
    store = Store()
    single(store, dict(name="n", size=1, members=["x"]))
    assert store.writes == [("create", "n"), ("add", "n", "x")]
    assert store.reads == 1  # a missing object's facets are not read


def test_an_unanswered_write_stops_the_remaining_writes():
    class Gone(Things):
        def update(self, item, changes):
            raise ConnectError("Could not connect to Connect for PATCH: connection refused")

    store = Store(a=dict(size=1), b=dict(size=1))
    eng = engine(store)
    resource, items = eng.run(Gone, dict(items=[]), [dict(name="a", size=2), dict(name="b", size=2)])
    result = eng.batch_result(resource, items)
    assert [e["msg"] for e in result["results"]] == [
        "Could not connect to Connect for PATCH: connection refused",
        "not attempted: an earlier request got no answer from Connect (Could not connect to Connect for PATCH: "
        "connection refused)"]


def test_single_form_failure_raises_with_its_message():
    store = Store(a=dict(size=1))
    with pytest.raises(InputError, match="must be 0 or more"):
        single(store, dict(name="a", size=-5))
    with pytest.raises(ConnectError, match="HTTP 500"):
        single(store, dict(name="flaky"))


# -- a facet's end state in the diff ----------------------------------------------------------------------

class PlainClient:
    def map_concurrent(self, func, items, concurrency=8):
        return [(item, func(item), None) for item in items]


class Tags(Facet):  # noqa: F811
    """At least the wanted tags: the end state is current plus the missing ones."""
    name = "tags"

    def __init__(self):
        self.applied = []

    def read(self, engine, item):
        return ["a"]

    def plan(self, engine, item, current, wanted):
        missing = [tag for tag in wanted if tag not in current]
        return missing or None

    def apply(self, engine, item, operations):
        self.applied.append(operations)

    def end(self, current, wanted, operations):
        return sorted(set(current or []) | set(operations))


class Thing(Resource):
    kind = "thing"
    facets = (Tags(),)

    def prepare(self, item):
        item.facets["tags"] = item.spec["tags"]

    def read_one(self, item):
        return {"guid": "g1"}


def test_the_diff_shows_a_facets_end_state_and_check_mode_applies_nothing():
    Thing.facets = (Tags(),)
    engine = Engine(PlainClient(), check_mode=True, diff_mode=True)
    resource, items = engine.run(Thing, {"tags": ["b"]})
    item = items[0]
    assert item.status == "updated" and item.changes == {"tags": ["b"]}
    assert item.before == {"tags": ["a"]} and item.after == {"tags": ["a", "b"]}  # not just the wanted ["b"]
    assert Thing.facets[0].applied == []

    engine = Engine(PlainClient())
    engine.run(Thing, {"tags": ["b"]})
    assert Thing.facets[0].applied == [["b"]]


def test_a_facet_without_end_shows_the_wanted_value():
    class Plain(Tags):
        end = Facet.end

    Thing.facets = (Plain(),)
    resource, items = Engine(PlainClient(), check_mode=True, diff_mode=True).run(Thing, {"tags": ["b"]})
    assert items[0].after == {"tags": ["b"]}


def test_without_diff_no_before_and_after_are_kept():
    Thing.facets = (Tags(),)
    resource, items = Engine(PlainClient(), check_mode=True).run(Thing, {"tags": ["b"]})
    assert items[0].status == "updated" and items[0].changes == {"tags": ["b"]}
    assert items[0].before == {} and items[0].after == {}


# -- the resource contract: per-item state in declared attributes ------------------------


def test_item_attributes_are_given_to_every_item_with_their_default():
    class Declaring(Resource):
        item_attributes = dict(remote=False, entry=None)

        def prepare(self, item):
            assert (item.remote, item.entry, item.guid, item.name) == (False, None, None, None)
            item.entry = item.spec["name"]

        def read_one(self, item):
            return None

        def missing(self, item):
            raise InputError("not created: %s" % item.entry)

    engine = Engine(Client())
    dummy, items = engine.run(Declaring, {}, [dict(name="a"), dict(name="b")])
    assert [item.msg for item in items] == ["not created: a", "not created: b"]


def test_an_item_attribute_may_not_shadow_the_engines_own():
    class Shadowing(Resource):
        item_attributes = dict(current=None)

    with pytest.raises(ValueError, match="'current' is the engine's own"):
        Engine(Client()).run(Shadowing, {}, [dict(name="a")])


def test_items_whose_facets_read_from_the_listing_are_not_handed_to_the_pool():
    """Issue 29: at 10,000 items, handing each listed read to a thread cost more than the reads themselves."""
    class Listed(Members):
        def from_listing(self, item):
            return item.spec["name"] != "c"  # c's members need a request

    class ListedThings(Things):
        facets = (Listed(),)

    class Pool(Client):
        def map_concurrent(self, func, items, concurrency=8):
            self.handed = [item.spec["name"] for item in items]
            return Client.map_concurrent(self, func, items, concurrency)

    store = Store(a=dict(members=["x"]), b=dict(members=["y"]), c=dict(members=["z"]))
    eng = Engine(Pool(), check_mode=True, diff_mode=False)
    eng.store = store
    resource, done = eng.run(ListedThings, dict(items=[]), [dict(name=n, members=["x"]) for n in "abc"] + [dict(name="d")])
    result = eng.batch_result(resource, done)
    assert eng.client.handed == ["c"]
    assert [e["status"] for e in result["results"]] == ["unchanged", "updated", "updated", "created"]
    assert store.reads == 4 and store.writes == []  # the listing and three members reads (each item's own)
