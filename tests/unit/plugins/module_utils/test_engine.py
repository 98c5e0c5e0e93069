"""The reconcile engine's facet hooks, with a fake client (no server)."""

from ansible_collections.posit.connect.plugins.module_utils.engine import Engine, Facet, Resource


class FakeClient:
    def map_concurrent(self, func, items, concurrency=8):
        return [(item, func(item), None) for item in items]


class Tags(Facet):
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
    engine = Engine(FakeClient(), check_mode=True, diff_mode=True)
    resource, items = engine.run(Thing, {"tags": ["b"]})
    item = items[0]
    assert item.status == "updated" and item.changes == {"tags": ["b"]}
    assert item.before == {"tags": ["a"]} and item.after == {"tags": ["a", "b"]}  # not just the wanted ["b"]
    assert Thing.facets[0].applied == []

    engine = Engine(FakeClient())
    engine.run(Thing, {"tags": ["b"]})
    assert Thing.facets[0].applied == [["b"]]


def test_a_facet_without_end_shows_the_wanted_value():
    class Plain(Tags):
        end = Facet.end

    Thing.facets = (Plain(),)
    resource, items = Engine(FakeClient(), check_mode=True).run(Thing, {"tags": ["b"]})
    assert items[0].after == {"tags": ["b"]}
