"""Packages: ``GET /v1/packages`` and ``GET /v1/content/{guid}/packages``, and their seeded data.

The packages of an item are stored on ``state.packages`` (content guid -> list of Package records, in
the reference's shape). ``seed(state, total)`` fills it deterministically for every deployed item with
an R or Python runtime: the ``demo`` seed with a realistic mix of versions (so that version questions
have answers: some items still use requests below 2.32, some R items use ``Matrix 1.6-5``), the
``bench`` seed with ``total`` rows spread evenly over those items.
"""

import hashlib
import random

from . import shapes
from .model import GUID

INT32_MAX = 2**31 - 1  # page_size is an int32 with no maximum in the reference

# name -> versions in use, chosen per item with the seed's random generator.
PYTHON_COMMON = {
    "requests": ["2.28.2", "2.31.0", "2.32.3"],
    "urllib3": ["1.26.18", "2.2.1"],
    "certifi": ["2024.2.2"],
    "idna": ["3.6", "3.7"],
    "numpy": ["1.24.4", "1.26.4"],
    "pandas": ["1.5.3", "2.1.4", "2.2.2"],
}
PYTHON_BY_MODE = {
    "python-api": {"flask": ["2.3.3", "3.0.3"]},
    "python-fastapi": {"fastapi": ["0.110.0", "0.111.0"], "uvicorn": ["0.29.0"]},
    "python-dash": {"dash": ["2.16.1", "2.17.0"], "plotly": ["5.20.0"]},
    "python-shiny": {"shiny": ["0.8.1", "0.10.2"]},
    "python-streamlit": {"streamlit": ["1.32.2", "1.35.0"]},
    "python-bokeh": {"bokeh": ["3.4.0"]},
    "python-panel": {"panel": ["1.4.1"], "bokeh": ["3.4.0"]},
    "jupyter-static": {"nbconvert": ["7.16.3"], "matplotlib": ["3.8.4"]},
}
R_COMMON = {
    "jsonlite": ["1.8.7", "1.8.8"],
    "Rcpp": ["1.0.11", "1.0.12"],
    "dplyr": ["1.1.2", "1.1.4"],
    "ggplot2": ["3.4.4", "3.5.1"],
    "Matrix": ["1.6-1.1", "1.6-5"],
}
R_BY_MODE = {
    "shiny": {"shiny": ["1.7.5", "1.8.1"]},
    "rmd-shiny": {"shiny": ["1.8.1"], "rmarkdown": ["2.26"]},
    "quarto-shiny": {"shiny": ["1.8.1"], "quarto": ["1.4"]},
    "rmd-static": {"rmarkdown": ["2.25", "2.26"], "knitr": ["1.45"]},
    "api": {"plumber": ["1.2.1"]},
    "quarto-static": {"knitr": ["1.45"]},
}
# bench: the first names of every item's list, then generated ones.
BENCH_PYTHON = ["requests", "numpy", "pandas", "urllib3", "certifi", "idna"]
BENCH_R = ["shiny", "jsonlite", "Rcpp", "dplyr", "ggplot2", "Matrix"]
BENCH_VERSIONS = ["1.0.0", "1.2.3", "2.0.1", "2.31.0", "2.32.3"]


def row(item, language, name, version):
    """A package record of an item's current bundle."""
    language_version = item["r_version"] if language == "r" else item["py_version"]
    digest = hashlib.md5(f"{name}:{version}".encode()).hexdigest() if language == "r" else None
    return {"language": language, "language_version": language_version, "name": name, "version": version,
            "hash": digest, "bundle_id": item["bundle_id"], "app_id": item["id"], "app_guid": item["guid"],
            "content_id": item["id"], "content_guid": item["guid"]}


def _languages(item):
    found = []
    if item["r_version"]:
        found.append("r")
    if item["py_version"]:
        found.append("python")
    return found


def seed(state, total=None):
    """Fill state.packages. total: bench only, the number of rows over all items with a runtime."""
    rng = random.Random(f"{state.seed_name}:packages")
    items = [c for c in state.content.values() if c["bundle_id"] and _languages(c)]
    if state.seed_name != "bench":
        for item in items:
            rows = []
            for language in _languages(item):
                catalog = dict(PYTHON_COMMON if language == "python" else R_COMMON)
                catalog.update((PYTHON_BY_MODE if language == "python" else R_BY_MODE).get(item["app_mode"], {}))
                rows += [row(item, language, name, rng.choice(versions)) for name, versions in catalog.items()]
            state.packages[item["guid"]] = rows
        return
    total = 10 * len(items) if total is None else int(total)
    for index, item in enumerate(items):
        count = total // len(items) + (1 if index < total % len(items) else 0)
        language = _languages(item)[0]
        first = BENCH_R if language == "r" else BENCH_PYTHON
        names = (first + [f"dep{n:04d}" for n in range(max(0, count - len(first)))])[:count]
        state.packages[item["guid"]] = [row(item, language, name, BENCH_VERSIONS[(index + k) % len(BENCH_VERSIONS)])
                                        for k, name in enumerate(names)]


def _listed(state, item):
    """An item's packages as Connect lists them: none for a language whose environment it manages itself."""
    return [p for p in state.packages.get(item["guid"], [])
            if not (p["language"] == "r" and item["r_environment_management"] is False)
            and not (p["language"] == "python" and item["py_environment_management"] is False)]


def _sort_key(row):
    return (row["language"], row["name"].lower(), int(row["content_id"]))


def list_packages(req):
    from .api import bool_param, int_param, offset_page  # api imports this module for its ROUTES
    page_number = int_param(req, "page_number", 1, 1)
    page_size = int_param(req, "page_size", 20, 1, INT32_MAX)  # posit-sdk asks for 1000000
    asc = bool_param(req, "asc_order", True)
    name = req.query.get("name", "")
    rows = [p for item in req.state.visible_content(req.user) for p in _listed(req.state, item)
            if not name or p["name"] == name]
    rows.sort(key=_sort_key, reverse=not asc)
    page = offset_page(rows, page_number, page_size)
    page["results"] = [shapes.gate("package", dict(p), req.settings["version_tuple"]) for p in page["results"]]
    return 200, page


def content_packages(req, guid):
    item = req.state.find_content(req.user, guid)
    if item["bundle_id"] is None:
        return 204, None  # not deployed yet
    version = req.settings["version_tuple"]
    return 200, [shapes.gate("package", dict(p), version) for p in sorted(_listed(req.state, item), key=_sort_key)]


ROUTES = [
    ("GET", r"/v1/packages", list_packages, {}),
    ("GET", rf"/v1/content/{GUID}/packages", content_packages, {}),
]
