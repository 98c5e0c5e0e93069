"""The engine's hooks, on a toy resource: extras beside the object, and an error that says its writes happened."""

from ansible_collections.posit.connect.plugins.module_utils.engine.engine import Engine
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Facet, Resource
from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError


class Client:
    def map_concurrent(self, func, items, concurrency=8):
        return [(item, func(item), None) for item in items]


class WroteThenFailed(ConnectError):
    changed = True


class Part(Facet):
    name = "part"

    def read(self, engine, item):
        return "old"

    def plan(self, engine, item, current, wanted):
        return None if current == wanted else wanted

    def apply(self, engine, item, operations):
        item.sent = operations
        if operations == "boom":
            error = WroteThenFailed("sent, then it failed", status=200)
            error.result = dict(item.current, part="half")
            raise error


class Thing(Resource):
    kind = "thing"
    item_attributes = dict(sent=None)
    result_key = "thing"
    facets = (Part(),)

    def prepare(self, item):
        item.facets["part"] = item.spec["part"]

    def read_one(self, item):
        return {"id": 1}

    def extras(self, item):
        return {"sent": item.sent}


def test_extras_are_returned_beside_the_object():
    engine = Engine(Client())
    resource, items = engine.run(Thing, {"part": "new"})
    result = engine.single_result(resource, items[0])
    assert result == {"changed": True, "thing": {"id": 1}, "sent": "new"}


def test_an_error_that_wrote_marks_the_item_changed_and_keeps_the_extras():
    engine = Engine(Client())
    resource, items = engine.run(Thing, {"part": "boom"})
    item = items[0]
    assert item.status == "failed" and item.changed
    try:
        engine.single_result(resource, item)
    except WroteThenFailed as exc:
        assert exc.result == {"changed": True, "thing": {"id": 1, "part": "half"}, "sent": "boom"}
    else:
        raise AssertionError("the failure was not raised")


def test_an_ordinary_error_on_an_existing_item_is_not_a_change():
    class Plain(Part):
        def apply(self, engine, item, operations):
            raise ConnectError("refused", status=400)

    class Other(Thing):
        facets = (Plain(),)

    engine = Engine(Client())
    resource, items = engine.run(Other, {"part": "new"})
    assert items[0].status == "failed" and not items[0].changed
