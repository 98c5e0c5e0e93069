"""A whole offset-paged listing (api/client.py paginate_offset, pages_at_once): every user of a server of 50,000 is
100 pages; asked for one after another they cost 100 round trips before a task can name an access-list entry.
Once page 2 shows that the server pages, the pages page 1's `total` announces are asked for several at a time: the
same requests, each once, the results in page order; a server that ignores page_number still costs two pages."""

import time

import pytest

from ansible_collections.posit.connect.plugins.module_utils.api.client import LISTING_PAGES_AT_ONCE, ConnectClient
from ansible_collections.posit.connect.plugins.module_utils.concepts import content_query, principals, usage
from connect_standin import StandIn

USERS = 2600  # with the seed's own users: six pages of 500


def pages_asked(server, path="/__api__/v1/users"):
    return [int(entry["query"]["page_number"]) for entry in server.requests if entry["path"] == path]


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


@pytest.fixture(scope="module")
def server():
    with StandIn(seed="bench", seed_options=dict(content=1, users=USERS, groups=3)) as standin:
        yield standin


def test_the_announced_pages_are_asked_for_ahead_of_the_caller_and_come_back_in_order(server):
    server.clear_log()
    client = ConnectClient(server.url, server.keys["admin"])
    listing = client.paginate_offset("v1/users", pages_at_once=LISTING_PAGES_AT_ONCE)
    first_two_pages = [next(listing) for _n in range(501)]  # the caller holds page 2's first user
    pages = -(-len(server.state.users) // 500)
    assert pages == 6
    # Every other page is on its way though the caller has read none of it.
    assert wait_for(lambda: sorted(pages_asked(server)) == list(range(1, pages + 1)))
    rest = list(listing)
    assert sorted(pages_asked(server)) == list(range(1, pages + 1))  # each page once, none past the total
    sequential = list(ConnectClient(server.url, server.keys["admin"]).paginate_offset("v1/users"))
    assert first_two_pages + rest == sequential
    assert len(sequential) == len(server.state.users)


def test_page_one_asks_for_page_two_alone(server):
    server.clear_log()
    client = ConnectClient(server.url, server.keys["admin"])
    listing = client.paginate_offset("v1/users", pages_at_once=LISTING_PAGES_AT_ONCE)
    next(listing)  # the caller holds page 1
    assert wait_for(lambda: pages_asked(server) == [1, 2])
    time.sleep(0.2)
    assert pages_asked(server) == [1, 2]  # nothing past page 2 before page 2 is read
    listing.close()


def test_a_window_of_pages_at_once(server):
    server.clear_log()
    client = ConnectClient(server.url, server.keys["admin"])
    listing = client.paginate_offset("v1/users", pages_at_once=3)
    [next(listing) for _n in range(501)]
    assert wait_for(lambda: len(pages_asked(server)) == 4)
    time.sleep(0.2)
    assert sorted(pages_asked(server)) == [1, 2, 3, 4]  # page 2 at hand, two ahead
    assert len(list(listing)) + 501 == len(server.state.users)
    assert sorted(pages_asked(server)) == [1, 2, 3, 4, 5, 6]


def test_the_whole_listings_of_principals_use_it(server):
    server.clear_log()
    client = ConnectClient(server.url, server.keys["admin"])
    assert len(principals.list_users(client, keys=("guid", "username"))) == len(server.state.users)
    assert sorted(pages_asked(server)) == [1, 2, 3, 4, 5, 6]


def test_a_caller_that_stops_early_leaves_fewer_pages_than_the_window_unread(server):
    client = ConnectClient(server.url, server.keys["admin"])
    everyone = list(client.paginate_offset("v1/users"))
    wanted = [{"user_guid": everyone[600]["guid"]}]  # on page 2
    server.clear_log()
    found = usage.known_users(wanted, client.paginate_offset("v1/users", pages_at_once=LISTING_PAGES_AT_ONCE))
    assert found == [{"guid": everyone[600]["guid"], "username": everyone[600]["username"]}]
    assert len(pages_asked(server)) <= 2 + LISTING_PAGES_AT_ONCE - 1


class IgnoresPageNumber:
    """An old server: every page_number answers page 1 (the client's get, as a stand-in for the HTTP answer)."""

    def __init__(self):
        self.asked = []

    def get(self, path, params=None):
        self.asked.append(params["page_number"])
        return {"results": [{"guid": "g%d" % n} for n in range(500)], "total": 5000}


def test_a_server_that_ignores_page_number_costs_two_pages_and_a_warning():
    warnings = []
    client = ConnectClient("http://127.0.0.1:9", "key", warn=warnings.append)
    fake = IgnoresPageNumber()
    client.get = fake.get
    results = list(client.paginate_offset("v1/users", pages_at_once=LISTING_PAGES_AT_ONCE))
    assert len(results) == 500
    assert fake.asked == [1, 2]
    assert warnings == ["v1/users ignored page_number 2 and repeated page 1; stopping."]


def test_a_listing_that_grew_goes_on_page_by_page(server):
    client = ConnectClient(server.url, server.keys["admin"])
    total = len(server.state.users)
    real_get = client.get

    def get(path, params=None, **kw):
        page = real_get(path, params=params, **kw)
        if params["page_number"] == 1:
            page = dict(page, total=total - 500)  # page 1 announced one page fewer than there are
        return page

    client.get = get
    server.clear_log()
    grown = list(client.paginate_offset("v1/users", pages_at_once=LISTING_PAGES_AT_ONCE))
    assert len(grown) == total
    assert sorted(pages_asked(server)) == [1, 2, 3, 4, 5, 6]


def test_naming_access_list_entries_keeps_only_the_principals_they_name(server, monkeypatch):
    """connect_content_info names each ACL entry from one listing of the users (50,000 on a large server): each user
    is kept, as its page arrives, only when an entry names it, and then for its guid and username alone."""
    client = ConnectClient(server.url, server.keys["admin"])
    everyone = list(client.paginate_offset("v1/users"))
    group = next(iter(server.state.groups.values()))
    entries = [dict(principal_type="user", principal_guid=everyone[n]["guid"]) for n in (3, 1700, len(everyone) - 1)]
    entries += [dict(principal_type="group", principal_guid=group["guid"]),
                dict(principal_type="user", principal_guid="00000000-0000-0000-0000-00000000dead")]
    kept = []
    listed = principals.list_users

    def list_users(*args, **kwargs):
        found = listed(*args, **kwargs)
        kept.extend(found)
        return found

    monkeypatch.setattr(content_query, "list_users", list_users)
    server.clear_log()
    content_query.name_principals(client, entries)
    assert [entry["principal_name"] for entry in entries] == [
        everyone[3]["username"], everyone[1700]["username"], everyone[-1]["username"], group["name"], None]
    assert kept == [dict(guid=everyone[n]["guid"], username=everyone[n]["username"]) for n in (3, 1700, -1)]
    assert sorted(pages_asked(server)) == [1, 2, 3, 4, 5, 6] and pages_asked(server, "/__api__/v1/groups") == [1]
