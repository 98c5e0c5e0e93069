"""Unpaged content listings read as they arrive (client.get_list): the modules answer as before, hostile strings
intact, with the same requests; `fields` keeps each listed item to what is returned."""

import pytest

from connect_standin import StandIn

HOSTILE = ["{{ lookup('pipe','touch X') }}", "{% raw %}x{% endraw %}", "a\nb\rc\u2028d\u0085e", "=cmd|' /C calc'!A0",
           "<script>alert(1)</script>", "] , { [ \" \\", "caf\u00e9 \u65e5\u672c \U0001f600"]


@pytest.fixture(scope="module")
def hostile():
    server = StandIn(seed="demo").start()
    for n, text in enumerate(HOSTILE):
        server.add_content("hostile-%d" % n, owner="dave", title=text, description=text * 50)
    yield server
    server.stop()


def test_content_info_and_user_info_with_and_without_fields_and_the_requests(hostile, playbook):
    hostile.clear_log()
    run = playbook(server=hostile, tasks="""
        - {name: whole, posit.connect.connect_content_info: {include: [owner]}}
        - {name: fields, posit.connect.connect_content_info: {include: [owner], fields: [title, owner, description]}}
        - {name: filtered, posit.connect.connect_content_info: {owner: dave, app_mode: [shiny], fields: [name]}}
        - {name: users, posit.connect.connect_user_info: {fields: [username], locked: false}}
    """).ok()
    whole = run["whole"]["content"]
    assert len(whole) == len(hostile.state.content)
    assert sorted(item["title"] for item in whole if item["name"].startswith("hostile-")) == sorted(HOSTILE)
    assert run["fields"]["content"] == [dict((key, item[key]) for key in ("title", "owner", "description") if key in item)
                                        for item in whole]
    dave = hostile.state.user_by_username("dave")["guid"]
    assert run["filtered"]["content"] == [dict(name=item["name"]) for item in whole
                                          if item["owner_guid"] == dave and item["app_mode"] == "shiny"]
    assert run["filtered"]["content"]
    assert sorted(u["username"] for u in run["users"]["users"]) == sorted(
        u["username"] for u in hostile.state.users.values() if not u["locked"])
    assert all(list(u) == ["username"] for u in run["users"]["users"])
    listings = [(e["method"], e["path"]) for e in hostile.requests if e["path"] == "/__api__/v1/content"]
    assert listings == [("GET", "/__api__/v1/content")] * 3 and not hostile.writes()
