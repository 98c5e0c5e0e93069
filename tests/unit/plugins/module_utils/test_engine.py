"""The reconcile engine's generic hooks, on a toy resource (no server)."""

from ansible_collections.posit.connect.plugins.module_utils.engine import Engine, Facet, Resource


class SerialClient:
    def map_concurrent(self, func, items, concurrency=8):
        return [(item, func(item), None) for item in items]


class Members(Facet):
    """A set-valued facet: the wanted members are added; the diff's after is the union (outcome)."""

    name = "members"

    def read(self, engine, item):
        return ["ann"]

    def plan(self, engine, item, current, wanted):
        missing = sorted(set(wanted) - set(current or []))
        return missing or None

    def apply(self, engine, item, operations):
        item.context["sent"] = operations

    def outcome(self, current, wanted, operations):
        return sorted(set(current or []) | set(operations))


class Group(Resource):
    facets = (Members(),)

    def prepare(self, item):
        item.facets["members"] = item.spec["members"]

    def read(self, items):
        for item in items:
            item.current = {"name": "g"}


def test_facet_outcome_is_the_diffs_after():
    engine = Engine(SerialClient(), diff_mode=True)
    resource, items = engine.run(Group, {"members": ["bob"]})
    item = items[0]
    assert item.status == "updated" and item.context["sent"] == ["bob"]
    assert item.before == {"members": ["ann"]}
    assert item.after == {"members": ["ann", "bob"]}  # the end state, not only what was asked for


def test_facet_outcome_defaults_to_the_wanted_value():
    class Plain(Members):
        outcome = Facet.outcome

    class PlainGroup(Group):
        facets = (Plain(),)

    resource, items = Engine(SerialClient(), check_mode=True).run(PlainGroup, {"members": ["bob"]})
    assert items[0].after == {"members": ["bob"]} and "sent" not in items[0].context
