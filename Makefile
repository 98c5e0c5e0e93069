# posit.connect: `make demo` and `make test` do all their own set-up.
# The main virtualenv runs the newest ansible-core the collection supports (2.21) on Python 3.13; noxfile.py runs
# the older ones (2.19 on Python 3.11, 2.20 on 3.12). pyenv's shims offer all three Pythons with this PYENV_VERSION.
export PYENV_VERSION ?= 3.13:3.12:3.11
PYTHON ?= python3.13
VENV := .venv
PY := $(VENV)/bin/python
COLLECTIONS := $(CURDIR)/build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/posit/connect
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_PYTHON_INTERPRETER := $(CURDIR)/$(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help setup demo test unit integration sdk-suite sparse lint older docs bench clean

help:
	@echo "make demo   run the demo playbook against a local Connect stand-in"
	@echo "make test   every test: the whole suite on ansible-core 2.21, then sanity, unit and role tests on 2.19 and 2.20"
	@echo "make sdk-suite  run posit-sdk's integration suite against the stand-in"
	@echo "make sparse run the roles' integration tests against a stand-in in sparse mode"
	@echo "make lint   ansible-test sanity, ansible-lint, the docs and changelog lints, galaxy-importer on the artifact"
	@echo "make older  sanity, unit and role tests on the older ansible-core versions (2.19, 2.20)"
	@echo "make docs   regenerate docs/reference and build the HTML docsite (build/docsite/build/html/index.html)"
	@echo "make bench  run the performance benchmark"

# A virtualenv of another Python (an older checkout's) is replaced, not upgraded in place.
$(VENV)/.installed: requirements-dev.txt requirements-test.txt requirements.txt
	$(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

setup: $(VENV)/.installed $(COLLECTION_LINK)

# The content report's browser test runs Debian's chromium (root on the CI machine; no sudo there).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null; }

# The event source's rulebook test runs ansible-rulebook, whose rule engine needs a Java 17+ runtime.
JAVA := /usr/bin/java
$(JAVA):
	DEBIAN_FRONTEND=noninteractive apt-get install -y openjdk-17-jre-headless >/dev/null || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y openjdk-17-jre-headless >/dev/null; }

demo: setup
	$(PY) tools/demo.py

unit: setup
	$(PY) -m pytest -q tests/unit

integration: setup $(CHROMIUM) $(JAVA)
	$(PY) -m pytest -q -n 2 tests/integration

# posit-sdk's own integration suite (its sdist, pinned, cached under .cache/) against the stand-in.
sdk-suite: setup
	$(PY) tools/sdk_suite.py

# The roles chain reads into writes: run their integration tests against a stand-in that answers with only the
# keys every real recording carries (tests/standin/README.md, "Sparse mode").
sparse: setup $(CHROMIUM)
	CONNECT_STANDIN_SPARSE=1 $(PY) -m pytest -q -n 2 $(wildcard tests/integration/test_role_*.py) tests/integration/test_roles_check_mode.py

# After the suite, the SDK suite, the lints and each older ansible-core's session run side by side (each mostly on
# one core: ansible-test, pip installs); the output of each is printed whole when it ends.
test: setup $(CHROMIUM) $(JAVA)
	$(PY) -m pytest -q -n 2 --dist worksteal --durations=20 tests/unit tests/integration
	$(MAKE) --no-print-directory -j 4 --output-sync=target sdk-suite lint $(addprefix older-,$(OLDER))

# Sanity, unit and role tests on each older ansible-core: noxfile.py's sessions (OLDER, as noxfile.py lists them;
# tests/unit/test_build.py checks that they agree).
OLDER := 2.19 2.20
older: $(addprefix older-,$(OLDER))

older-%: setup
	$(PY) -m nox --no-color -s "older($*)"

lint: setup
	$(PY) tools/sanity.py
	ansible-lint --nocolor $(wildcard roles playbooks)
	antsibull-changelog lint
	antsibull-docs lint-collection-docs --plugin-docs .
	$(PY) -m nox --no-color -s galaxy_importer

docs: setup
	$(PY) docs/generate.py --docsite build/docsite

bench: setup $(CHROMIUM)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .nox build tests/output .cache
