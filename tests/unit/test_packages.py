"""connect_package_info's logic (module_utils/concepts/packages.py) and the stand-in's packages endpoints, whose
answers are validated against Connect's OpenAPI reference (copied into tests/fixtures/connect-api)."""

import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "build" / "collections"))
sys.path.insert(0, str(ROOT / "tests" / "standin"))

from ansible_collections.posit.connect.plugins.module_utils.concepts.packages import (  # noqa: E402
    PackageQuery,
    join_content,
    r_version,
    summarize,
    version_key,
    version_matchers,
)
from connect_standin import StandIn  # noqa: E402
from connect_standin.seed import build  # noqa: E402
from standin_helpers import conforms  # noqa: E402


# -- versions ------------------------------------------------------------------

@pytest.mark.parametrize("spec, yes, no", [
    ("<2.32", ["2.31.0", "2.28.2", "2.31.0rc1"], ["2.32.0", "2.32.3", "3.0", "2.32.0rc1"]),  # PEP 440
    ("==1.0.0", ["1.0.0", "1.0"], ["1.0.1"]),
    (">=1.0,<2", ["1.0", "1.9.9"], ["2.0", "0.9"]),
    ("~=1.4", ["1.4", "1.9"], ["2.0", "1.3"]),
    ("==1.0.*", ["1.0.7"], ["1.1.0"]),
])
def test_python_versions_follow_packaging(spec, yes, no):
    matches = version_matchers(spec, "python")["python"]
    assert [v for v in yes + no if matches(v)] == yes
    assert not matches("not a version")


@pytest.mark.parametrize("spec, yes, no", [
    ("<2.3.1", ["2.3.0", "2.3", "1.9-9"], ["2.3.1", "2.3-1", "2.10.0"]),
    (">=1.6-2", ["1.6-5", "1.6.2", "1.10-0"], ["1.6-1.1", "1.6"]),
    ("==1.0.0", ["1.0.0", "1.0-0"], ["1.0", "1.0.0.1"]),  # R: 1.0 < 1.0.0
    (">1.0, !=1.2", ["1.1", "1.3"], ["1.2", "1.0"]),
])
def test_r_versions_follow_package_version(spec, yes, no):
    matches = version_matchers(spec, "r")["r"]
    assert [v for v in yes + no if matches(v)] == yes
    assert not matches("1.0a")


def test_r_version_parsing_and_order():
    assert r_version("1.6-5") == (1, 6, 5) and r_version(" 2 ") == (2,) and r_version("1.0a") is None
    ordered = sorted(["1.10-0", "1.6-5", "1.6", "1.6.0", "junk"], key=lambda v: version_key("r", v))
    assert ordered == ["1.6", "1.6.0", "1.6-5", "1.10-0", "junk"]
    assert sorted(["2.10", "2.9", "2.32.0rc1", "2.32.0"], key=lambda v: version_key("python", v)) == \
        ["2.9", "2.10", "2.32.0rc1", "2.32.0"]


@pytest.mark.parametrize("spec, language, message", [
    ("~=1.0", "r", "Option 'version': '~=1.0' is not an R version specifier"),
    ("<<2", "python", "Option 'version': '<<2' is not a Python version specifier"),
    ("~=1.0", None, "Set 'language' to the package's language"),
    ("  ", None, "Option 'version' is empty"),
])
def test_bad_specifiers_name_the_option(spec, language, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        version_matchers(spec, language)


def test_query_matches_name_language_and_version():
    rows = [dict(language="python", name="Requests", version="2.31.0"), dict(language="python", name="requests",
            version="2.32.3"), dict(language="r", name="requests", version="1.0"), dict(language="r", name="Matrix",
            version="1.6-5")]
    assert PackageQuery(name="requests", version="<2.32").matches(rows[0])
    assert [r["version"] for r in rows if PackageQuery(name="requests").matches(r)] == ["2.31.0", "2.32.3", "1.0"]
    assert [r["name"] for r in rows if PackageQuery(name="requests", language="r").matches(r)] == ["requests"]
    assert not PackageQuery(name="matrix", language="r").matches(rows[3])  # R names are case-sensitive
    assert [r["version"] for r in rows if PackageQuery(version=">=1.6.1").matches(r)] == ["2.31.0", "2.32.3", "1.6-5"]
    with pytest.raises(ValueError, match="Option 'name' is empty"):
        PackageQuery(name=" ")


def test_join_and_summary():
    rows = [dict(language="python", name="requests", version="2.31.0", content_guid="a", app_id="1"),
            dict(language="python", name="requests", version="2.9.0", content_guid="b"),
            dict(language="python", name="requests", version="2.31.0", content_guid="c"),
            dict(language="r", name="shiny", version="1.8.1", content_guid="a")]
    items = [dict(guid="a", name="app-a", title="App A", owner={"username": "alice"}, content_url="u", dashboard_url="d")]
    joined = join_content(rows, items)
    assert joined[0]["title"] == "App A" and joined[0]["owner_username"] == "alice" and "app_id" not in joined[0]
    assert joined[1]["title"] is None and joined[1]["content_guid"] == "b"  # an item not listed keeps null fields
    assert summarize(rows) == [
        dict(language="python", name="requests", items=3,
             versions=[dict(version="2.9.0", items=1), dict(version="2.31.0", items=2)]),
        dict(language="r", name="shiny", items=1, versions=[dict(version="1.8.1", items=1)])]


# -- the stand-in's endpoints against the reference ------------------------------

@pytest.fixture(scope="module")
def server():
    with StandIn() as standin:
        yield standin


def get(server, path, who="admin", **params):
    return requests.get(server.url + "/__api__" + path, params=params, timeout=10,
                        headers={"Authorization": "Key " + server.keys[who]})


def test_packages_endpoints_conform_to_the_reference(server):
    page = conforms(get(server, "/v1/packages", page_size=50, page_number=2), "packages", "/v1/packages")
    rows = sum(len(v) for v in server.state.packages.values())
    assert page["total"] == rows and len(page["results"]) == 50 and page["current_page"] == 2
    named = conforms(get(server, "/v1/packages", name="requests", page_size=500), "packages", "/v1/packages")
    assert named["total"] == len(named["results"]) > 5 and {r["name"] for r in named["results"]} == {"requests"}
    everything = get(server, "/v1/packages", page_size=500).json()["results"]
    assert [(r["language"], r["name"].lower()) for r in everything] == \
        sorted((r["language"], r["name"].lower()) for r in everything)  # by language, then name
    r_row = next(r for r in everything if r["language"] == "r")
    assert r_row["hash"] and r_row["language_version"] and r_row["content_guid"] == r_row["app_guid"]

    item = next(c for c in server.state.content.values() if c["name"] == "sales-dashboard")
    mine = conforms(get(server, "/v1/content/%s/packages" % item["guid"]), "content", "/v1/content/{guid}/packages")
    assert {r["name"] for r in mine} >= {"shiny", "dplyr"} and {r["content_guid"] for r in mine} == {item["guid"]}
    undeployed = next(c for c in server.state.content.values() if c["bundle_id"] is None)
    assert get(server, "/v1/content/%s/packages" % undeployed["guid"]).status_code == 204
    conforms(get(server, "/v1/content/%s/packages" % "0f0e0d0c-0b0a-4908-8706-050403020100"), "content",
             "/v1/content/{guid}/packages")
    conforms(get(server, "/v1/packages", page_size=0), "packages", "/v1/packages")  # 400 InvalidRange
    assert get(server, "/v1/packages", page_size=0).json()["code"] == 13  # no maximum: posit-sdk asks for 1000000


def test_packages_follow_visibility_and_environment_management(server):
    viewer_rows = get(server, "/v1/packages", who="viewer", page_size=500).json()["results"]
    victor = server.state.user_by_username("victor")
    visible = {c["guid"] for c in server.state.visible_content(victor)}
    assert viewer_rows and {r["content_guid"] for r in viewer_rows} <= visible
    assert len({r["content_guid"] for r in viewer_rows}) < len(server.state.packages)
    item = next(c for c in server.state.content.values() if c["py_version"] and c["guid"] in server.state.packages)
    item["py_environment_management"] = False  # Connect lists no packages of a self-managed environment
    try:
        assert [r for r in get(server, "/v1/content/%s/packages" % item["guid"]).json()
                if r["language"] == "python"] == []
    finally:
        item["py_environment_management"] = True


def test_seeded_packages_are_deterministic():
    first, second = build("demo", {"now": 1_750_000_000}), build("demo", {"now": 1_750_000_000})
    assert first.packages == second.packages and sum(len(v) for v in first.packages.values()) > 200
    bench = build("bench", {"now": 1_750_000_000, "content": 100, "packages": 5000})
    assert sum(len(v) for v in bench.packages.values()) == 5000
