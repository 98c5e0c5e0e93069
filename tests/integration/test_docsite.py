"""The HTML docsite that `make docs` builds (antsibull-docs' Sphinx setup) renders in a real browser: the index and a
module page show their title, the option table and the examples, and no internal link of either page is broken."""

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A docsite built from this work tree the way `make docs` builds it; its html directory."""
    dest = tmp_path_factory.mktemp("docsite") / "site"
    proc = subprocess.run([sys.executable, str(ROOT / "docs" / "generate.py"), "--dest", str(dest.parent / "rst"),
                           "--docsite", str(dest)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = dest / "build" / "html"
    assert (html / "index.html").exists(), proc.stdout
    return html


class Anchors(HTMLParser):
    """The ids (and old-style names) a page defines, which a link's #fragment may name."""

    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(value for name, value in attrs if name in ("id", "name") and value)


def anchors(path):
    parser = Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.ids


def broken_links(page_url, hrefs, html):
    """Internal links (file: URLs inside the site) whose file or #fragment does not exist."""
    broken = []
    for href in hrefs:
        url, fragment = urldefrag(href)
        if urlparse(url).scheme != "file":
            continue  # docs.ansible.com, galaxy, the repository: not part of this site
        target = Path(unquote(urlparse(url).path))
        if not target.is_relative_to(html) or not target.exists():
            broken.append(href)
        elif fragment and target.suffix == ".html" and unquote(fragment) not in anchors(target):
            broken.append(href)
    return broken


def open_page(browser, path):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    return page, hrefs, errors


def test_index_and_a_module_page_render_with_no_broken_link(site):
    from playwright.sync_api import sync_playwright  # the test fails, never skips, without it

    assert Path(CHROMIUM).exists(), "make test installs Debian's chromium; run it through make"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            index, hrefs, errors = open_page(browser, site / "index.html")
            assert "posit.connect" in index.title()
            assert index.locator("h1").first.inner_text().strip().lower().startswith("posit.connect")
            listed = [h for h in hrefs if h.endswith("_module.html")]
            modules = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.name.startswith("_"))
            assert sorted({Path(urlparse(h).path).stem[:-len("_module")] for h in listed}) == modules
            assert any(h.endswith("audit_events_event_source.html") for h in hrefs), "no event source page"
            assert broken_links(index.url, hrefs, site) == [] and errors == []

            module, hrefs, errors = open_page(browser, site / "connect_content_module.html")
            assert "posit.connect.connect_content module" in module.title()
            table = module.locator("table").first
            assert table.is_visible()
            options = table.inner_text()
            for option in ("server", "api_key", "guid", "title", "items", "state"):
                assert option in options, option
            examples = module.locator("#examples pre, [id^='examples'] pre").first
            assert "posit.connect.connect_content:" in examples.inner_text()
            assert broken_links(module.url, hrefs, site) == [] and errors == []
            assert len([h for h in hrefs if urlparse(h).scheme == "file"]) > 20
        finally:
            browser.close()
