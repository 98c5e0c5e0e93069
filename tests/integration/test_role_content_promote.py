"""The content_promote role between two stand-ins of different versions: a first promotion (created, uploaded,
settings, tags, vanity URL and ACL by name copied, an unmatched principal reported, environment values set and
the names left to provide reported), a second that uploads nothing, a tag the target lacks failing before any write,
and check mode and the dry run writing nothing on either server."""

import json

import pytest

import seeding
from connect_standin import StandIn

SOURCE_VERSION, TARGET_VERSION = "2024.06.0", "2025.09.0"


def server_pair():
    """A source and a target of different versions; a user that only the source has."""
    source, target = StandIn(version=SOURCE_VERSION).start(), StandIn(version=TARGET_VERSION).start()
    source.add_user("sourceonly", "viewer")
    yield source, target
    source.stop()
    target.stop()


@pytest.fixture(scope="module")
def servers():
    yield from server_pair()


@pytest.fixture(scope="module")
def unpromoted_servers():
    """A pair of its own for a test that needs the target without the promotion: pytest-xdist's worksteal may run a
    test after a later one of the same module on the same worker (a stolen test), so no test relies on the order."""
    yield from server_pair()


def site(root, text):
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.json").write_text(json.dumps({"version": 1, "metadata": {"appmode": "static"}}))
    (root / "index.html").write_text(text)
    return str(root)


def connection(server):
    return {"server": server.url, "api_key": server.keys["admin"]}


ENV_VALUE = "target-db-password-8c1f"
OPTIONS = {"connect_promote_create_tags": True, "connect_promote_vanity": True,
           "connect_promote_environment": {"DB_PASSWORD": ENV_VALUE}}

PLAY = """
- hosts: localhost
  gather_facts: false
  %(play_check)s
  tasks:
    - name: block %(name)s
      %(block_check)s
      block:
        - name: role %(name)s
          vars:
            connect_promote_dry_run: %(dry_run)s
          ansible.builtin.include_role:
            name: posit.connect.content_promote
            %(apply)s
    - name: fact %(name)s
      ansible.builtin.debug:
        var: connect_promote
"""
DRY_RUNS = {  # every way of asking for check mode, and the role's own dry run
    "play": dict(play_check="check_mode: true"), "block": dict(block_check="check_mode: true"),
    "apply": dict(apply="apply: {check_mode: true}"), "dry_run": dict(dry_run="true"),
}


def promote(playbook, servers, check=False, plays=None, options=None, raw=False):
    """Run the role once per play (name -> template options); returns each play's connect_promote fact."""
    source, target = servers
    options = OPTIONS if options is None else options
    plays = plays or {"real": {}}
    text = "".join(PLAY % dict(dict(play_check="", block_check="", apply="", dry_run="false"), name=name, **opts)
                   for name, opts in plays.items())
    extra = dict(options, connect_promote_source=connection(source), connect_promote_target=connection(target),
                 connect_promote_items=[{"name": "kpi-board", "owner": "alice"}])
    run = playbook(text, server=target, check=check, extra_vars=extra)
    if raw:
        return run
    run.ok()
    assert ENV_VALUE not in run.stdout + run.stderr
    return dict((name, run["fact %s" % name]["connect_promote"]) for name in plays)


def tag_paths(state, guid):
    def path(tag):
        return (path(state.tags[tag["parent_id"]]) + "/" if tag["parent_id"] else "") + tag["name"]
    return sorted(path(state.tags[t]) for t in state.content_tags.get(guid, []))


def seed(servers, tmp_path):
    """The source's kpi-board (the demo seed has one): deployed, its ACL, tag, vanity URL and environment set, by the
    requests the modules would send (tests/integration/seeding.py)."""
    source, target = servers
    if "/kpi/" not in source.state.vanity_urls.values():
        guid = seeding.deploy(source, "kpi-board", "alice", site(tmp_path / "kpi", "<p>KPI</p>"),
                              title="KPI board", access_type="acl", max_processes=3)
        for principal, principal_type, role in (("bob", "user", "owner"), ("sourceonly", "user", "viewer"),
                                                ("Finance", "group", "viewer")):
            seeding.grant(source, guid, principal, principal_type, role)
        seeding.tag(source, guid, "Promo/Quarterly")
        seeding.vanity(source, guid, "/kpi/")
        seeding.environment(source, guid, {"DB_PASSWORD": "source-only-value", "API_TOKEN": "source-token-value"})


def writes(*servers):
    return [(e["method"], e["path"]) for server in servers for e in server.writes()]


def would_promote(facts, servers, before):
    """Each run (name -> its connect_promote fact) reports the promotion it would make, and none wrote anything."""
    source, target = servers
    for kind, fact in facts.items():
        item = fact["items"][0]
        assert item["uploaded"] is True and int(fact["changed"]) == 1, kind
        assert (item["tags"], item["tags_created"], item["vanity_url"]) == (["Promo/Quarterly"], ["Promo/Quarterly"], "/kpi/"), kind
        assert (item["environment_set"], item["environment_to_provide"]) == (["DB_PASSWORD"], ["API_TOKEN"]), kind
    assert writes(source, target) == []
    assert len(target.state.content) == before
    assert not [t for t in target.state.tags.values() if t["name"] in ("Promo", "Quarterly")]


def test_every_way_of_asking_for_check_mode_and_the_dry_run_write_nothing(unpromoted_servers, playbook, tmp_path):
    # check_mode on the play, on the block, through include_role's apply, and connect_promote_dry_run, one play each
    # (--check: test_promote_then_nothing_to_upload, which the older ansible-cores run too).
    servers = unpromoted_servers
    source, target = servers
    seed(servers, tmp_path)
    source.clear_log()
    target.clear_log()
    before = len(target.state.content)
    would_promote(promote(playbook, servers, plays=DRY_RUNS), servers, before)


def test_promote_then_nothing_to_upload(servers, playbook, tmp_path):
    source, target = servers
    seed(servers, tmp_path)
    source.clear_log()
    target.clear_log()
    before = len(target.state.content)

    # The target lacks the item's tag: without connect_promote_create_tags the role fails, naming it, writing nothing.
    run = promote(playbook, servers, options=dict(OPTIONS, connect_promote_create_tags=False), raw=True)
    assert run.rc != 0 and "lacks: Promo/Quarterly" in run.stdout, run.stdout[-3000:]
    assert "connect_promote_create_tags" in run.stdout
    assert writes(source, target) == [] and len(target.state.content) == before

    would_promote(promote(playbook, servers, check=True), servers, before)

    item = promote(playbook, servers)["real"]["items"][0]
    src = next(c for c in source.state.content.values() if c["name"] == "kpi-board")
    dst = next(c for c in target.state.content.values() if c["name"] == "kpi-board")
    assert item["uploaded"] is True and item["changed"] is True and item["target"]["guid"] == dst["guid"]
    assert dst["owner_guid"] == target.state.user_by_username("alice")["guid"]
    assert (dst["title"], dst["access_type"], dst["max_processes"]) == ("KPI board", "acl", 3)
    src_bundle = next(b for b in source.state.bundles[src["guid"]] if b["id"] == src["bundle_id"])
    dst_bundle = next(b for b in target.state.bundles[dst["guid"]] if b["id"] == dst["bundle_id"])
    assert dst_bundle["archive"] == src_bundle["archive"] and item["sha1"] == src_bundle["metadata"]["archive_sha1"]
    acl = {(p["principal_type"], p["role"], p["principal_guid"]) for p in target.state.permissions[dst["guid"]]}
    finance = next(g for g in target.state.groups.values() if g["name"] == "Finance")["guid"]
    assert acl == {("user", "owner", target.state.user_by_username("bob")["guid"]), ("group", "viewer", finance)}
    assert item["acl_unmatched"] == ["sourceonly"]
    assert tag_paths(target.state, dst["guid"]) == ["Promo", "Promo/Quarterly"] or \
        tag_paths(target.state, dst["guid"]) == ["Promo/Quarterly"]
    assert target.state.vanity_urls[dst["guid"]] == "/kpi/"
    assert target.state.environments[dst["guid"]] == {"DB_PASSWORD": ENV_VALUE}
    assert item["environment_to_provide"] == ["API_TOKEN"] and item["tags_created"] == ["Promo/Quarterly"]
    assert writes(source) == []

    source.clear_log()
    target.clear_log()
    item = promote(playbook, servers)["real"]["items"][0]
    assert item["uploaded"] is False and item["changed"] is False
    assert writes(source, target) == []
    assert not [e for e in source.requests if e["path"].endswith("/download")]


def test_the_api_keys_and_environment_values_never_show(servers, playbook, tmp_path):
    source, target = servers
    seed(servers, tmp_path)
    # The keys come from the environment (as from a CI secret store): ansible-playbook echoes -e values at -vvvv.
    keys = {"connect_promote_source": {"server": source.url, "api_key": "{{ lookup('ansible.builtin.env', 'SRC_KEY') }}"},
            "connect_promote_target": {"server": target.url, "api_key": "{{ lookup('ansible.builtin.env', 'DST_KEY') }}"},
            "connect_promote_items": [{"name": "no-such-item", "owner": "alice"}]}
    run = playbook(PLAY % dict(play_check="", block_check="", apply="", dry_run="true", name="secret"), server=target,
                   verbosity=4, extra_vars=keys,
                   env={"SRC_KEY": source.keys["admin"], "DST_KEY": target.keys["admin"]})
    assert run.rc != 0  # the item does not exist on the source: the role fails, saying so
    assert "selects 0 items on the source server" in run.stdout
    for key in (source.keys["admin"], target.keys["admin"]):
        assert key not in run.stdout + run.stderr

    # Environment values from the environment too, set on the target at -vvvv: neither they nor the keys show.
    keys.update(connect_promote_items=[{"name": "kpi-board", "owner": "alice"}], connect_promote_create_tags=True,
                connect_promote_environment={"API_TOKEN": "{{ lookup('ansible.builtin.env', 'TOKEN') }}"})
    secret = "promote-token-value-5d2e"
    run = playbook(PLAY % dict(play_check="", block_check="", apply="", dry_run="false", name="secret"), server=target,
                   verbosity=4, extra_vars=keys,
                   env={"SRC_KEY": source.keys["admin"], "DST_KEY": target.keys["admin"], "TOKEN": secret})
    run.ok()
    dst = next(c for c in target.state.content.values() if c["name"] == "kpi-board")
    assert target.state.environments[dst["guid"]]["API_TOKEN"] == secret
    assert run["fact secret"]["connect_promote"]["items"][0]["environment_set"] == ["API_TOKEN"]
    for value in (source.keys["admin"], target.keys["admin"], secret):
        assert value not in run.stdout + run.stderr


# ---------------------------------------------------------------- ACL the target server cannot take (issue 24.4)
# cweber is a publisher on the source and a collaborator of board-a there, but a viewer on the target, where Connect
# refuses a viewer as a collaborator. A group that only the source has, with a hostile name, is a viewer of board-a.
HOSTILE_GROUP = "Ops {{ lookup('pipe','touch %s') }} {%% if true %%}x{%% endif %%}\u2028\r\n<script>=cmd|' /C calc'!A0\"'"


def acl_pair(tmp_path_factory):
    source, target = StandIn(version=SOURCE_VERSION).start(), StandIn(version=TARGET_VERSION).start()
    touched = tmp_path_factory.mktemp("hostile") / "touched"
    source.add_user("cweber", "publisher")
    target.add_user("cweber", "viewer")
    with source.state.lock:
        group = source.state.add_group(HOSTILE_GROUP % touched, source.state.user_by_username("alice")["guid"])
    yield source, target, group, touched
    source.stop()
    target.stop()


@pytest.fixture(scope="module")
def acl_servers(tmp_path_factory):
    yield from acl_pair(tmp_path_factory)


@pytest.fixture(scope="module")
def unpromoted_acl_servers(tmp_path_factory):
    """A pair of its own for the dry run and check mode, which need board-b not yet promoted (as unpromoted_servers)."""
    yield from acl_pair(tmp_path_factory)


ACL_PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: block
      block:
        - name: role
          ansible.builtin.include_role:
            name: posit.connect.content_promote
      always:
        - name: fact
          ansible.builtin.debug:
            var: connect_promote
"""


def by_name(server, name):
    return next((c for c in server.state.content.values() if c["name"] == name), None)


def seed_acl(acl_servers, tmp_path):
    source, target, group, dummy = acl_servers
    if by_name(source, "board-a") is None:
        bundle = site(tmp_path / "b", "<p>B</p>")
        guids = {name: seeding.deploy(source, name, "alice", bundle, access_type="acl")
                 for name in ("board-a", "board-b", "board-c", "board-t")}
        for name, principal, role in (("board-a", "cweber", "owner"), ("board-b", "bob", "viewer"),
                                      ("board-c", "cweber", "owner"), ("board-c", "bob", "viewer")):
            seeding.grant(source, guids[name], principal, "user", role)
        seeding.tag(source, guids["board-t"], "Promo/SourceOnly")
        seeding.vanity(source, guids["board-c"], "/board-c/")
        with source.state.lock:
            source.state.add_permission(by_name(source, "board-a"), group["guid"], "group", "viewer")
    source.clear_log()
    target.clear_log()


def promote_acl(playbook, acl_servers, items, check=False, **options):
    source, target = acl_servers[:2]
    extra = dict(options, connect_promote_source=connection(source), connect_promote_target=connection(target),
                 connect_promote_items=[{"name": name, "owner": "alice"} for name in items])
    run = playbook(ACL_PLAY, server=target, check=check, extra_vars=extra)
    return run, run["fact"]["connect_promote"]


def reported(run):
    """The messages of the role's task that reports the ACL entries the target does not take as they are."""
    return [m for name, result in run.results.items() if "Report the ACL entries" in name
            for m in result.get("msg", [])]


def viewer_message(target):
    return 'target server %s: user "cweber" is a viewer there, and a viewer cannot be a collaborator' % target.url


def test_a_viewer_collaborator_fails_the_dry_run_and_check_mode_naming_the_target(unpromoted_acl_servers, playbook, tmp_path):
    acl_servers = unpromoted_acl_servers
    source, target, group, touched = acl_servers
    seed_acl(acl_servers, tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    for check, dry_run in ((False, True), (True, False)):
        # board-a last: the capture keeps the last result of each task
        run, fact = promote_acl(playbook, acl_servers, ["board-b", "board-a"], check=check, connect_promote_dry_run=dry_run,
                                connect_promote_work_dir=str(work), connect_promote_mode="0640")
        assert run.rc != 0, run.stdout[-3000:]
        assert viewer_message(target) in run.stdout, run.stdout[-3000:]
        assert "connect_promote_acl_downgrade: true" in run.stdout
        # The group the target lacks is reported too, naming the target server, its name carried as data.
        missing = "target server %s: group %s does not exist there" % (target.url, json.dumps(group["name"]))
        assert any(m.startswith(missing) for m in reported(run)), reported(run)
        assert "target server %s: group " % target.url in run.stdout
        assert [f["item"]["name"] for f in fact["failed"]] == ["board-a"]
        assert viewer_message(target) in fact["failed"][0]["msg"]
        assert [i["source"]["name"] for i in fact["items"]] == ["board-b"] and fact["items"][0]["uploaded"] is True
        assert writes(source, target) == []
        assert by_name(target, "board-a") is None and by_name(target, "board-b") is None
    assert not touched.exists()
    # The bundle board-b would need was downloaded with the mode asked for (connect_promote_mode).
    assert oct((work / ("%s.tar.gz" % by_name(source, "board-b")["guid"])).stat().st_mode & 0o777) == "0o640"


def test_a_viewer_collaborator_fails_its_item_before_any_write_the_others_go_on(acl_servers, playbook, tmp_path):
    source, target, group, touched = acl_servers
    seed_acl(acl_servers, tmp_path)
    # Extra vars are strings: "false" is false.
    run, fact = promote_acl(playbook, acl_servers, ["board-a", "board-b"], connect_promote_acl_downgrade="false")
    assert run.rc != 0 and viewer_message(target) in run.stdout, run.stdout[-3000:]
    assert "1 of 2 items failed" in run.stdout
    assert [f["item"]["name"] for f in fact["failed"]] == ["board-a"]
    # board-b is promoted, with its ACL; nothing at all is written for board-a.
    dst_b = by_name(target, "board-b")
    assert dst_b is not None and by_name(target, "board-a") is None
    assert [i["source"]["name"] for i in fact["items"]] == ["board-b"] and fact["items"][0]["changed"] is True
    for entry in target.writes():
        assert dst_b["guid"] in entry["path"] or (entry["path"] == "/__api__/v1/content"
                                                  and entry["body"]["name"] == "board-b"), entry
    assert {(p["principal_guid"], p["role"]) for p in target.state.permissions[dst_b["guid"]]} == \
        {(target.state.user_by_username("bob")["guid"], "viewer")}
    assert writes(source) == [] and not touched.exists()


def test_acl_downgrade_makes_the_collaborator_a_viewer_on_the_target_and_a_rerun_is_unchanged(
        acl_servers, playbook, tmp_path):
    source, target, group, touched = acl_servers
    seed_acl(acl_servers, tmp_path)
    run, fact = promote_acl(playbook, acl_servers, ["board-a", "board-b"], connect_promote_acl_downgrade=True)
    run.ok()
    item = next(i for i in fact["items"] if i["source"]["name"] == "board-a")
    assert item["acl_downgraded"] == ["cweber"] and item["changed"] is True
    downgraded = ('target server %s: user "cweber" is a viewer there, and a viewer cannot be a collaborator; '
                  'made a viewer of "board-a" (connect_promote_acl_downgrade).' % target.url)
    assert downgraded in item["acl_warnings"] and json.dumps(downgraded)[1:-1] in run.stdout
    assert item["acl_unmatched"] == [group["name"]]
    dst_a = by_name(target, "board-a")
    assert [(p["principal_guid"], p["principal_type"], p["role"]) for p in target.state.permissions[dst_a["guid"]]] == \
        [(target.state.user_by_username("cweber")["guid"], "user", "viewer")]
    assert fact["failed"] == [] and writes(source) == [] and not touched.exists()

    target.clear_log()
    run, fact = promote_acl(playbook, acl_servers, ["board-a", "board-b"], connect_promote_acl_downgrade=True)
    run.ok()
    assert [i["changed"] for i in fact["items"]] == [False, False] and int(fact["changed"]) == 0
    assert fact["items"][0]["acl_downgraded"] == ["cweber"]
    assert writes(source, target) == []


def test_boolean_variables_given_as_false_strings_are_false(acl_servers, playbook, tmp_path):
    """-e name=false gives the string "false": each boolean behaves as false."""
    source, target, group, touched = acl_servers
    seed_acl(acl_servers, tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    falses = dict.fromkeys(("connect_promote_acl", "connect_promote_acl_downgrade", "connect_promote_dry_run",
                            "connect_promote_create_tags", "connect_promote_vanity"), "false")
    # board-c: the ACL (with the viewer collaborator) is not copied, nor the vanity URL; the item is written.
    run, fact = promote_acl(playbook, acl_servers, ["board-c"], connect_promote_work_dir=str(work), **falses)
    run.ok()
    dst_c = by_name(target, "board-c")
    assert dst_c is not None and fact["items"][0]["uploaded"] is True
    assert target.state.permissions[dst_c["guid"]] == [] and dst_c["guid"] not in target.state.vanity_urls
    assert fact["items"][0]["acl_downgraded"] == [] and fact["items"][0]["vanity_url"] is None
    # The bundle the role downloaded is private (0600) by default.
    assert oct((work / ("%s.tar.gz" % by_name(source, "board-c")["guid"])).stat().st_mode & 0o777) == "0o600"
    # board-t: the tag the target lacks is not created; the item fails before any write.
    target.clear_log()
    run, fact = promote_acl(playbook, acl_servers, ["board-t"], **falses)
    assert run.rc != 0 and "lacks: Promo/SourceOnly" in run.stdout, run.stdout[-3000:]
    assert writes(source, target) == [] and by_name(target, "board-t") is None


# ------------------------------------------------------------------ OAuth integrations, by name
OAUTH_SECRET = "promote-oauth-secret-5e2a"
OAUTH_CONFIG = {"auth_mode": "Confidential", "authorization_uri": "https://idp.example/authorize",
                "client_id": "client-id", "client_secret": OAUTH_SECRET, "scopes": "email",
                "token_endpoint_auth_method": "client_secret_post", "token_uri": "https://idp.example/token"}


@pytest.fixture(scope="module")
def oauth_servers(tmp_path_factory):
    """A source whose interactive item uses two integrations, one of them (hostile name) missing on the target."""
    where = tmp_path_factory.mktemp("oauth")
    touched = where / "touched"
    hostile = "Lake {{ lookup('pipe','touch %s') }} {%% if true %%}x{%% endif %%}\u2028\r\n<script>=cmd|' /C calc'!A0\"'" \
        % touched
    source, target = StandIn(version=TARGET_VERSION).start(), StandIn(version=TARGET_VERSION).start()
    yield source, target, hostile, touched, where
    source.stop()
    target.stop()


def seed_oauth(oauth_servers):
    source, target, hostile, touched, where = oauth_servers
    if any(c["name"] == "dash-board" for c in source.state.content.values()):
        return
    root = where / "dash"
    root.mkdir()
    (root / "manifest.json").write_text(json.dumps({"version": 1, "metadata": {"appmode": "python-dash"}}))
    (root / "app.py").write_text("app = None\n")
    seeding.deploy(source, "dash-board", "alice", root)
    made = [seeding.api(source, "POST", "v1/oauth/integrations",
                        dict(name=name, description=text, template="custom", config=OAUTH_CONFIG))
            for name, text in (("Warehouse", "Analysts"), (hostile, "Ops' lake <b>"))]
    seeding.api(target, "POST", "v1/oauth/integrations",
                dict(name="Warehouse", description="Analysts", template="custom", config=OAUTH_CONFIG))
    guid = next(c for c in source.state.content.values() if c["name"] == "dash-board")["guid"]
    seeding.api(source, "PUT", "v1/content/%s/oauth/integrations/associations" % guid,
                [{"oauth_integration_guid": m["guid"]} for m in made])


def promote_oauth(playbook, oauth_servers, check=False, **options):
    source, target = oauth_servers[:2]
    extra = dict(options, connect_promote_source=connection(source), connect_promote_target=connection(target),
                 connect_promote_items=[{"name": "dash-board", "owner": "alice"}])
    text = PLAY % dict(play_check="", block_check="", apply="", dry_run="false", name="oauth")
    run = playbook(text, server=target, check=check, extra_vars=extra)
    fact = run["fact oauth"]["connect_promote"] if run.rc == 0 else None
    return run, fact


def linked(server, name):
    item = next(c for c in server.state.content.values() if c["name"] == name)
    return sorted(server.state.integrations[link["integration_guid"]]["name"]
                  for link in server.state.oauth_associations.get(item["guid"], []))


def test_oauth_integrations_follow_by_name_and_missing_ones_are_created_with_their_config(
        oauth_servers, playbook):
    source, target, hostile, touched, where = oauth_servers
    seed_oauth(oauth_servers)
    config = {hostile: OAUTH_CONFIG}
    # connect_promote_create_integrations given as the string "false": the missing integration is reported and
    # not sent; the item goes on with the one the target has.
    run, fact = promote_oauth(playbook, oauth_servers, connect_promote_create_integrations="false",
                              connect_promote_integration_config=config)
    run.ok()
    item = fact["items"][0]
    assert item["oauth_integrations"] == ["Warehouse"] and item["integrations_missing"] == [hostile]
    assert item["integrations_created"] == [] and json.dumps(hostile) in item["integration_warnings"][0]
    assert linked(target, "dash-board") == ["Warehouse"]
    assert [i["name"] for i in target.state.integrations.values()] == ["Warehouse"]

    # Check mode with the flag: the creation is predicted, nothing is written.
    source.clear_log()
    target.clear_log()
    run, fact = promote_oauth(playbook, oauth_servers, check=True, connect_promote_create_integrations=True,
                              connect_promote_integration_config=config)
    run.ok()
    assert fact["items"][0]["integrations_created"] == [hostile] and fact["items"][0]["changed"] is True
    assert writes(source, target) == []

    # For real: created first (template and description from the source, config as given), then associated.
    run, fact = promote_oauth(playbook, oauth_servers, connect_promote_create_integrations=True,
                              connect_promote_integration_config=config)
    run.ok()
    made = next(i for i in target.state.integrations.values() if i["name"] == hostile)
    assert (made["template"], made["description"], made["config"]["client_secret"]) == \
        ("custom", "Ops' lake <b>", OAUTH_SECRET)
    assert linked(target, "dash-board") == sorted(["Warehouse", hostile])
    assert fact["items"][0]["integrations_missing"] == [] and fact["items"][0]["integrations_created"] == [hostile]
    assert OAUTH_SECRET not in run.stdout + run.stderr and not touched.exists()
    assert writes(source) == []

    # A second run writes nothing.
    target.clear_log()
    run, fact = promote_oauth(playbook, oauth_servers, connect_promote_create_integrations=True,
                              connect_promote_integration_config=config)
    run.ok()
    assert fact["items"][0]["changed"] is False and writes(source, target) == []
