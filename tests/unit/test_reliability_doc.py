"""docs/reliability.md names tests that exist, so the matrix cannot point at a test that was renamed or removed."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_the_matrix_names_exists():
    text = (ROOT / "docs" / "reliability.md").read_text()
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", text)
    assert len(named) >= 13
    for path, name in named:
        source = (ROOT / path).read_text()
        assert re.search(r"^def %s\(" % name, source, re.M), "%s::%s" % (path, name)
