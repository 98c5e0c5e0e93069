"""The collection relies on nothing Connect may leave out (issue 23.5): each field read from an answer is in every
real recording of that endpoint (tests/fixtures/connect-api/fixtures/posit-sdk-py/__api__/) or read with a
fallback. These tests feed the readers answers that lack the field."""

import json
from pathlib import Path

from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import content_info

RECORDED = Path(__file__).resolve().parents[3] / "fixtures" / "connect-api" / "fixtures" / "posit-sdk-py" / "__api__"


class Answers:
    """A client that answers GETs from a dict of path -> body, on a server of a given version."""

    api_root = "https://connect.example.com/__api__"

    def __init__(self, answers, version):
        self.answers, self._version, self.asked = answers, version, []

    def version(self):
        return self._version

    def get(self, path, params=None, **kw):
        self.asked.append(path)
        return json.loads(json.dumps(self.answers[path]))

    get_or_none = get

    def get_list(self, path, params=None, keys=None):
        return [dict((k, v) for k, v in item.items() if keys is None or k in keys) for item in self.get(path)]

    def paginate_offset(self, path, params=None, **kw):
        return iter(self.get(path)["results"])

    def map_concurrent(self, func, items, concurrency=8):
        return [(item, func(item), None) for item in items]


def test_content_info_vanity_urls_from_entries_lacking_fields():
    # GET /v1/vanities has no recording: an entry without content_guid or path is skipped, not a KeyError.
    content = json.loads((RECORDED / "v1" / "content.json").read_text())
    first, second = content[0]["guid"], content[1]["guid"]
    client = Answers({"v1/content": content, "v1/vanities": [
        {"content_guid": first, "path": "/first/"},
        {"path": "/nobody/"},
        {"content_guid": second},
        {"content_guid": second, "path": None},
    ]}, version=(2024, 1, 0))
    items = content_info(client, {"include": ["vanity_url"]})
    assert "v1/vanities" in client.asked
    assert [item.get("vanity_url") for item in items] == \
        ["https://connect.example.com/first/"] + [None] * (len(content) - 1)


def test_a_directory_entry_without_temp_ticket_is_a_clear_error():
    # GET /v1/users/remote has no recording: an entry without temp_ticket fails before the PUT that needs it.
    import pytest
    from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
    from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import require_remote

    client = Answers({"v1/users/remote": {"results": [{"username": "zoe", "first_name": "Zoe"}]}}, version=None)
    with pytest.raises(InputError) as raised:
        require_remote(client, "users", "zoe", "username")
    assert "Option 'username'" in str(raised.value) and "temp_ticket" in str(raised.value)
    client.answers["v1/users/remote"]["results"][0]["temp_ticket"] = "ticket"
    assert require_remote(client, "users", "zoe", "username")["temp_ticket"] == "ticket"


def test_the_vanity_facet_skips_vanities_entries_lacking_fields():
    # connect_content's vanity_url facet reads GET /v1/vanities in a batch: the same fallback as content_info.
    from types import SimpleNamespace
    from ansible_collections.posit.connect.plugins.module_utils.resources.facet_vanity import VanityFacet
    client = Answers({"v1/vanities": [{"content_guid": "a", "path": "/a/"}, {"path": "/nobody/"},
                                      {"content_guid": "b"}]}, version=(2025, 1, 0))
    facet = VanityFacet(SimpleNamespace(client=client))
    assert facet.vanities() == {"a": "/a/"}


def test_a_group_without_member_count_is_predicted_without_one():
    # Older servers' group objects carry no member_count: check mode predicts no count rather than a negative one.
    from types import SimpleNamespace
    from ansible_collections.posit.connect.plugins.module_utils.resources.group import GroupResource
    resource = GroupResource.__new__(GroupResource)
    existing = SimpleNamespace(status="updated", current={"guid": "g", "name": "Finance", "owner_guid": None},
                               desired={}, facet_plans={"members": {"add": [], "remove": ["u1", "u2"]}})
    assert "member_count" not in resource.predict(existing)
    new = SimpleNamespace(status="created", current=None, desired={"name": "New"},
                          facet_plans={"members": {"add": ["u1"], "remove": []}})
    assert resource.predict(new)["member_count"] == 1


def test_content_info_reads_tags_and_vanity_urls_the_listing_left_out():
    # No recording of GET /v1/content shows include=tags,vanity_url's keys, and Connect leaves them out of items that
    # have none: a listing where no item carries a key is read again (tags per item, vanity URLs from
    # GET /v1/vanities), never taken as "no tags"; one where some item carries it was answered.
    content = json.loads((RECORDED / "v1" / "content.json").read_text())
    guids = [item["guid"] for item in content]
    tag = {"id": "7", "name": "Sales", "parent_id": "3"}
    answers = {"v1/vanities": [{"content_guid": guids[0], "path": "/first/"}],
               "v1/tags": [{"id": "3", "name": "Department", "parent_id": None}, tag],
               "v1/content/%s/tags" % guids[0]: [tag], "v1/content/%s/tags" % guids[1]: [],
               "v1/content/%s/tags" % guids[2]: []}
    answers["v1/content"] = [dict((k, v) for k, v in item.items() if k != "tags") for item in content]
    client = Answers(answers, version=(2025, 1, 0))
    items = content_info(client, {"include": ["tags", "vanity_url"]})
    assert [item.get("vanity_url") for item in items] == ["https://connect.example.com/first/", None, None]
    assert [[t["path"] for t in item["tags"]] for item in items] == [["Department/Sales"], [], []]
    assert "v1/vanities" in client.asked

    assert "tags" in content[1] and "tags" not in content[0]  # as recorded: the include was answered
    content[1]["vanity_url"] = "https://connect.example.com/second/"
    answers["v1/content"], client.asked = content, []
    items = content_info(client, {"include": ["tags", "vanity_url"]})
    assert [item.get("vanity_url") for item in items] == [None, "https://connect.example.com/second/", None]
    assert not [path for path in client.asked if path.startswith("v1/content/") or path == "v1/vanities"]


def test_package_info_reads_each_items_packages_when_rows_name_no_item():
    # The recorded GET /v1/packages rows carry only language, name and version: they are attributed by reading
    # GET /v1/content/{guid}/packages per item, whose recorded rows name no item either.
    from ansible_collections.posit.connect.plugins.module_utils.concepts.packages import package_info
    content = json.loads((RECORDED / "v1" / "content.json").read_text())[:2]
    recorded = json.loads((RECORDED / "v1" / "packages.json").read_text())
    row = recorded["results"][0]
    answers = {"v1/packages": recorded, "v1/content": content,
               "v1/content/%s/packages" % content[0]["guid"]: [row], "v1/content/%s/packages" % content[1]["guid"]: None}
    result = package_info(Answers(answers, version=None),
                          dict(name=None, language=None, version=None, content=None, summarize=True, concurrency=2))
    assert [(p["content_guid"], p["name"], p["content_name"]) for p in result["packages"]] == \
        [(content[0]["guid"], row["name"], content[0]["name"])]
    assert result["summary"][0]["items"] == 1


def test_the_vanity_facet_reads_a_vanity_url_the_listing_left_out():
    # Included in the listing but absent from the item: read from GET /v1/vanities, not taken as "no vanity URL".
    from types import SimpleNamespace
    from ansible_collections.posit.connect.plugins.module_utils.resources.facet_vanity import VanityFacet
    client = Answers({"v1/vanities": [{"content_guid": "a", "path": "/a/"}]}, version=(2025, 1, 0))
    facet = VanityFacet(SimpleNamespace(client=client, listing=[{"guid": "a"}]))
    facet.included = True
    assert facet.read(None, SimpleNamespace(current={"guid": "a"})) == "/a/"
    assert facet.holders() == {"/a/": ("a", None)}
