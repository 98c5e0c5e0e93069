"""posit.connect.connect_deploy, connect_bundle_info and connect_task_info against the stand-in: real
ansible-playbook runs over real directories and archives, asserting results, the request log and the state."""

import gzip
import hashlib
import io
import json
import os
import tarfile
import time

from playbook_runs import localhost_play


def play(*tasks):
    return localhost_play("\n".join(tasks))


def task(name, module, args, extra=""):
    lines = ["    - name: %s" % name, "      register: %s" % name, "      posit.connect.%s:" % module]
    lines += ["        %s: %s" % (key, json.dumps(value)) for key, value in args.items()]
    if extra:
        lines += ["      " + line for line in extra.splitlines()]
    return "\n".join(lines)


def app(root, text="<p>v1</p>", **standin):
    """A small static site with a manifest (standin: options of the stand-in's build)."""
    root.mkdir(parents=True, exist_ok=True)
    manifest = {"version": 1, "metadata": {"appmode": "static", "primary_html": "index.html"}}
    if standin:
        manifest["standin"] = standin
    (root / "manifest.json").write_text(json.dumps(manifest))
    (root / "index.html").write_text(text)
    (root / "__pycache__").mkdir(exist_ok=True)
    (root / "__pycache__" / "x.pyc").write_text("cache")
    (root / "notes.log").write_text("local noise")
    return str(root)


def item_named(standin, name):
    return next(c for c in standin.state.content.values() if c["name"] == name)


def methods(entries):
    return [(e["method"], e["path"].replace("/__api__/", "")) for e in entries]


def test_check_mode_packs_and_hashes_only_then_deploys_then_uploads_nothing(demo, playbook, tmp_path):
    site = app(tmp_path / "site")
    args = dict(name="ci-site", title="CI site", access_type="logged_in", bundle=site, exclude=["*.log"])
    run = playbook(play(task("deploy", "connect_deploy", args)), check=True, diff=True).ok()
    result = run["deploy"]
    assert result["changed"] is True and result["bundle_id"] is None
    assert result["diff"]["after"]["bundle"]["sha1"] == result["bundle"]["sha1"]
    assert demo.writes() == []

    run = playbook(play(task("deploy", "connect_deploy", args))).ok()
    result = run["deploy"]
    item = item_named(demo, "ci-site")
    assert result["changed"] is True and result["content"]["guid"] == item["guid"]
    assert item["bundle_id"] == result["bundle_id"] and item["title"] == "CI site"
    assert item["access_type"] == "logged_in" and item["app_mode"] == "static"
    assert result["task"]["finished"] is True and result["task"]["code"] == 0
    assert result["output"][0].startswith("Building") and result["output"][-1] == "Deployment completed."
    assert list(methods(demo.writes())) == [
        ("POST", "v1/content"), ("POST", "v1/content/%s/bundles" % item["guid"]), ("POST", "v1/content/%s/deploy" % item["guid"])]
    stored = demo.state.bundles[item["guid"]][-1]
    assert stored["metadata"]["archive_sha1"] == result["bundle"]["sha1"]
    with tarfile.open(fileobj=io.BytesIO(stored["archive"]), mode="r:gz") as tar:
        assert tar.getnames() == ["index.html", "manifest.json"]  # __pycache__ and *.log left out

    demo.clear_log()
    (tmp_path / "site" / "notes.log").write_text("other noise")  # excluded: the bundle is the same
    run = playbook(play(task("deploy", "connect_deploy", args)), diff=True).ok()
    result = run["deploy"]
    assert result["changed"] is False and result["bundle_id"] == item["bundle_id"] and "task" not in result
    assert methods(demo.requests) == [("GET", "v1/content"),
                                      ("GET", "v1/content/%s/bundles/%s" % (item["guid"], item["bundle_id"]))]

    (tmp_path / "site" / "index.html").write_text("<p>v2</p>")
    run = playbook(play(task("deploy", "connect_deploy", args)), check=True, diff=True).ok()
    diff = run["deploy"]["diff"]
    assert diff["before"]["bundle"] == dict(bundle_id=item["bundle_id"], sha1=stored["metadata"]["archive_sha1"],
                                            size=stored["size"])
    assert diff["after"]["bundle"]["sha1"] != diff["before"]["bundle"]["sha1"]
    assert not demo.writes()


def test_a_failed_build_fails_with_the_last_lines_and_keeps_the_active_bundle(demo, playbook, tmp_path):
    good = app(tmp_path / "good")
    bad = app(tmp_path / "bad", "<p>v2</p>", fail="package 'nope' is not available")
    run = playbook(play(task("good", "connect_deploy", dict(name="fragile", bundle=good)),
                        task("bad", "connect_deploy", dict(name="fragile", bundle=bad), "ignore_errors: true"))).ok()
    active = run["good"]["bundle_id"]
    result = run["bad"]
    assert result["_status"] == "failed" and result["changed"] is True
    assert "failed" in result["msg"] and "Error: package 'nope' is not available" in result["msg"]
    assert "bundle %s stays active" % active in result["msg"]
    assert result["task"]["code"] == 1 and result["output"][-1] == "Error: package 'nope' is not available"
    assert result["bundle_id"] != active
    assert item_named(demo, "fragile")["bundle_id"] == active


def test_a_tarball_wait_false_task_info_and_keep_bundles(demo, playbook, tmp_path):
    versions = []
    for number in range(3):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            for name, text in (("manifest.json", json.dumps({"metadata": {"appmode": "static"},
                                                             "standin": {"seconds": 0.5}})),
                               ("index.html", "v%d" % number)):
                info = tarfile.TarInfo(name)
                info.size = len(text)
                tar.addfile(info, io.BytesIO(text.encode()))
        path = tmp_path / ("v%d.tar.gz" % number)
        path.write_bytes(gzip.compress(buffer.getvalue()))
        versions.append(str(path))
    tasks = [task("v%d" % n, "connect_deploy", dict(name="tarred", bundle=v, keep_bundles=1)) for n, v in enumerate(versions)]
    tasks.append(task("again", "connect_deploy", dict(name="tarred", bundle=versions[0], wait=False)))
    tasks.append(task("follow", "connect_task_info", dict(id="{{ again.task.id }}", wait=10, fail_on_error=True)))
    tasks.append(task("bundles", "connect_bundle_info", dict(name="tarred", dest=str(tmp_path / "active.tar.gz"))))
    run = playbook(play(*tasks)).ok()
    assert run["v0"]["bundle"]["sha1"] == hashlib.sha1(open(versions[0], "rb").read()).hexdigest()
    started = run["again"]
    assert started["changed"] is True and started["task"]["finished"] is False and started["output"] == []
    assert run["follow"]["task"]["finished"] is True and run["follow"]["output"][-1] == "Deployment completed."
    listed = run["bundles"]["bundles"]
    # keep_bundles 1: after v2, v0 was deleted (v1 kept); the re-upload of v0 is the newest
    assert [b["id"] for b in listed] == [started["bundle_id"], run["v2"]["bundle_id"], run["v1"]["bundle_id"]]
    assert run["bundles"]["active"]["id"] == started["bundle_id"] and run["bundles"]["downloaded"] is True
    assert open(tmp_path / "active.tar.gz", "rb").read() == open(versions[0], "rb").read()
    deletes = [e for e in demo.writes() if e["method"] == "DELETE"]
    assert [e["path"].rsplit("/", 1)[1] for e in deletes] == [run["v0"]["bundle_id"]]


def test_a_slow_build_fails_after_wait_timeout(demo, playbook, tmp_path):
    slow = app(tmp_path / "slow", seconds=4)
    run = playbook(play(task("slow", "connect_deploy", dict(name="slowpoke", bundle=slow, wait_timeout=1),
                             "ignore_errors: true")))
    result = run["slow"]
    assert result["_status"] == "failed" and "did not finish within wait_timeout (1s)" in result["msg"]
    assert result["task"]["finished"] is False


def test_batch_deploys_concurrently_then_costs_one_read_per_item(demo, playbook, tmp_path):
    items = [dict(name="report-%d" % n, bundle=app(tmp_path / ("r%d" % n), "<p>%d</p>" % n)) for n in range(4)]
    items.append(dict(name="report-broken", bundle=app(tmp_path / "broken", fail="syntax error in report.qmd")))
    args = dict(owner="svc-deploy", access_type="acl", items=items, concurrency=4)
    run = playbook(play(task("batch", "connect_deploy", args, "ignore_errors: true")))
    result = run["batch"]
    assert result["_status"] == "failed" and result["failed_count"] == 1 and result["changed_count"] == 5
    broken = result["results"][4]
    assert broken["status"] == "failed" and "syntax error in report.qmd" in broken["msg"] and broken["changed"]
    assert [r["status"] for r in result["results"][:4]] == ["created"] * 4
    assert all(r["task"]["code"] == 0 for r in result["results"][:4])
    owner = demo.state.user_by_username("svc-deploy")["guid"]
    assert {item_named(demo, "report-%d" % n)["owner_guid"] for n in range(4)} == {owner}

    demo.clear_log()
    run = playbook(play(task("batch", "connect_deploy", dict(args, items=items[:4])))).ok()
    result = run["batch"]
    assert result["changed"] is False and [r["status"] for r in result["results"]] == ["unchanged"] * 4
    assert demo.writes() == [] and len(demo.requests) == 2 + 4  # the listing, the owner, one bundle each


def test_bad_input_fails_before_any_request(demo, playbook, tmp_path):
    (tmp_path / "nomanifest").mkdir()
    (tmp_path / "nomanifest" / "app.py").write_text("print(1)")
    run = playbook(play(task("deploy", "connect_deploy", dict(name="x", bundle=str(tmp_path / "nomanifest")),
                             "ignore_errors: true"),
                        task("batch", "connect_deploy", dict(items=[dict(name="y", bundle=str(tmp_path / "nope"))]),
                             "ignore_errors: true")))
    assert "Option 'bundle'" in run["deploy"]["msg"] and "manifest.json" in run["deploy"]["msg"]
    assert "Option 'items[0].bundle'" in run["batch"]["msg"] and "does not exist" in run["batch"]["msg"]
    assert demo.requests == []


def test_batch_items_take_every_content_field_and_override_the_top_level(demo, playbook, tmp_path):
    items = [dict(name="tuned", bundle=app(tmp_path / "tuned"), min_processes=2, locked=True),
             dict(name="plain", bundle=app(tmp_path / "plain"))]
    run = playbook(play(task("batch", "connect_deploy", dict(items=items, min_processes=1, title="Shared title")))).ok()
    assert [r["status"] for r in run["batch"]["results"]] == ["created", "created"]
    tuned, plain = item_named(demo, "tuned"), item_named(demo, "plain")
    assert (tuned["min_processes"], tuned["locked"], tuned["title"]) == (2, True, "Shared title")
    assert (plain["min_processes"], plain["locked"], plain["title"]) == (1, False, "Shared title")


def test_bundle_info_dest_errors_name_the_option_and_download_nothing(demo, playbook, tmp_path):
    run = playbook(play(task("deployed", "connect_deploy", dict(name="shipped", bundle=app(tmp_path / "app"))),
                        task("nodir", "connect_bundle_info", dict(name="shipped", dest=str(tmp_path / "no" / "b.tar.gz")),
                             "ignore_errors: true"),
                        task("isdir", "connect_bundle_info", dict(name="shipped", dest=str(tmp_path)),
                             "ignore_errors: true"),
                        task("again", "connect_bundle_info", dict(name="shipped", dest=str(tmp_path / "b.tar.gz"))),
                        task("same", "connect_bundle_info", dict(name="shipped", dest=str(tmp_path / "b.tar.gz")))))
    assert "Option 'dest'" in run["nodir"]["msg"] and "does not exist" in run["nodir"]["msg"]
    assert "Option 'dest'" in run["isdir"]["msg"] and "bundle.tar.gz" in run["isdir"]["msg"]
    assert run["again"]["downloaded"] is True and run["same"]["downloaded"] is False
    downloads = [e for e in demo.requests if e["path"].endswith("/download")]
    assert len(downloads) == 1


PRIVATE = {".env": "API_TOKEN={{ lookup('pipe','touch PWNED') }}", ".env.production": "X=1",
           ".Renviron": "GITHUB_PAT=ghp_0123", ".Rhistory": "Sys.setenv(KEY='x')", ".ssh/id_rsa": "PRIVATE KEY",
           "index.html~": "<p>old</p>", ".git/config": "[core]", ".venv/pyvenv.cfg": "home = /usr",
           "env2/pyvenv.cfg": "home = /usr", "env2/lib/site.py": "x", "renv/library/R/x": "x"}


def test_a_directory_is_packed_without_secrets_and_refuses_links_out_and_special_files(demo, playbook, tmp_path):
    site = tmp_path / "site"
    app(site)
    for name, text in PRIVATE.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    batch = dict(items=[dict(name="private-site", bundle=str(site))], concurrency=1)
    run = playbook(play(task("deploy", "connect_deploy", dict(name="private-site", bundle=str(site))),
                        task("again", "connect_deploy", batch))).ok()
    stored = demo.state.bundles[item_named(demo, "private-site")["guid"]][-1]
    with tarfile.open(fileobj=io.BytesIO(stored["archive"]), mode="r:gz") as tar:
        assert tar.getnames() == ["index.html", "manifest.json", "notes.log"]
    assert run["again"]["changed"] is False  # the batch form leaves out the same files: the same archive

    (tmp_path / "elsewhere.txt").write_text("a private file")
    (site / "data").mkdir()
    (site / "data" / "link.txt").symlink_to(tmp_path / "elsewhere.txt")
    (site / "gone").symlink_to(site / "no-such-file")
    os.mkfifo(str(site / "pipe"))
    demo.clear_log()
    started = time.monotonic()
    run = playbook(play(task("link", "connect_deploy", dict(name="private-site", bundle=str(site), exclude=["pipe", "gone"]),
                             "ignore_errors: true"),
                        task("broken", "connect_deploy", dict(name="private-site", bundle=str(site),
                                                              exclude=["data", "pipe"]), "ignore_errors: true"),
                        task("fifo", "connect_deploy", dict(items=[dict(name="private-site", bundle=str(site),
                                                                        exclude=["data", "gone"])]),
                             "ignore_errors: true")), timeout=120)
    assert time.monotonic() - started < 100
    assert run["link"]["msg"] == (
        "Option 'bundle': %s/data/link.txt is a symbolic link to %s/elsewhere.txt, outside %s, which would upload a "
        "file from elsewhere. Copy what it points to into the directory, or leave it out with the option 'exclude'."
        % (site, tmp_path, site))
    assert run["broken"]["msg"].startswith("Option 'bundle': %s/gone is a broken symbolic link" % site)
    assert "Option 'items[0].bundle': %s/pipe is a FIFO (named pipe)" % site in str(run["fifo"])
    assert demo.requests == []
    assert "PWNED" not in " ".join(os.listdir(str(tmp_path)))


def test_a_download_replaces_a_link_planted_at_dest_and_is_private_unless_mode_says(demo, playbook, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("must stay")
    dest = tmp_path / "b.tar.gz"
    dest.symlink_to(victim)
    run = playbook(play(task("deployed", "connect_deploy", dict(name="shipped2", bundle=app(tmp_path / "app"))),
                        task("download", "connect_bundle_info", dict(name="shipped2", dest=str(dest))),
                        task("shared", "connect_bundle_info", dict(name="shipped2", dest=str(dest), mode="0640")),
                        task("bad_mode", "connect_bundle_info", dict(name="shipped2", dest=str(dest), mode="rw-all"),
                             "ignore_errors: true"))).ok()
    assert victim.read_text() == "must stay" and not dest.is_symlink()
    stored = demo.state.bundles[item_named(demo, "shipped2")["guid"]][-1]
    assert dest.read_bytes() == stored["archive"] and run["download"]["downloaded"] is True
    assert run["download"]["changed"] is False and run["shared"]["changed"] is True
    assert oct(os.stat(str(dest)).st_mode & 0o777) == "0o640"
    assert run["bad_mode"]["msg"] == ("Option 'mode' must be an octal mode such as '0600' or a symbolic one such as "
                                      "'u=rw,g=r', got 'rw-all'.")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    dest.unlink()
    playbook(play(task("private", "connect_bundle_info", dict(name="shipped2", dest=str(dest))))).ok()
    assert oct(os.stat(str(dest)).st_mode & 0o777) == "0o600"
