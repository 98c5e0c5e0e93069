"""Every relative link in the READMEs and the guides names a file that exists."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", *ROOT.glob("docs/**/*.md"), *ROOT.glob("roles/*/README.md")])
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def relative_links(page):
    for target in LINK.findall(FENCE.sub("", page.read_text())):
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target):  # not https:, mailto: ...
            yield target


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_relative_links_resolve(page):
    targets = [target.partition("#")[0] for target in relative_links(page)]
    assert [target for target in targets if target and not (page.parent / target).exists()] == []
    # and none leaves the repository (a clone has nothing beside it)
    assert [target for target in targets if not (page.parent / target).resolve().is_relative_to(ROOT)] == []


def test_the_pages_have_links():
    assert len(PAGES) > 10 and sum(len(list(relative_links(page))) for page in PAGES) > 50
