# The two commands: `make site` and `make test`. Both create .venv once and reuse it.
# The Python version is a pin too (pyproject.toml's requires-python says the same; a test checks they agree). The
# first of these that really is that version (a pyenv shim of another version is not), else plain python3.
PYTHON_VERSION := 3.12
PYTHON ?= $(shell for c in python$(PYTHON_VERSION) $$HOME/.pyenv/versions/$(PYTHON_VERSION).*/bin/python$(PYTHON_VERSION) \
  /usr/local/bin/python$(PYTHON_VERSION) /usr/bin/python$(PYTHON_VERSION) python3; do \
  $$c -c 'import sys; assert sys.version_info[:2] == tuple(map(int, "$(PYTHON_VERSION)".split("."))); \
  print(sys.executable)' 2>/dev/null && break; done)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# A second clone can use another clone's environment as it is: `make test VENV=/path/to/.venv` (or VENV in the
# environment). When that environment exists, nothing is created or installed, and this clone's own generator is put
# first on the path (PYTHONPATH), so that mkdocs and the tests' subprocesses import it rather than the one the other
# environment was installed from (CONTRIBUTING.md, "Working in a second clone").
READY := $(STAMP)
ifneq ($(origin VENV),file)
ifneq ($(wildcard $(BIN)/python),)
READY := $(BIN)/python
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))
endif
endif
export NO_MKDOCS_2_WARNING := 1  # the MkDocs 2.0 banner would bury real output; README, "MkDocs 2"

.PHONY: site test test-fast browser node-tools serve bench check clean venv range range-venv outdated

venv: $(READY)

$(STAMP): requirements.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "make: Python $(PYTHON_VERSION) is required and none was found (README, first lines)" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; v = "%d.%d" % sys.version_info[:2]; sys.exit(v != "$(PYTHON_VERSION)" and "Python $(PYTHON_VERSION) is required (found %s)" % sys.version.split()[0])'
	@# an environment of another Python (the pin moved) is made again, not patched
	@$(BIN)/python -c 'import sys; sys.exit("%d.%d" % sys.version_info[:2] != "$(PYTHON_VERSION)")' 2>/dev/null || \
	  { test ! -e $(VENV) || echo "make: $(VENV) is not Python $(PYTHON_VERSION): making it again"; rm -rf $(VENV); }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

site: $(READY)
	$(BIN)/mkdocs build --strict

# The browser tests drive Debian's Chromium through Playwright (no browser download): installed here when this user
# is root or has passwordless sudo, otherwise one line says what to run.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else \
	    echo "make test: the browser tests need Debian's chromium; run: sudo apt-get install -y chromium" >&2; exit 1; fi; \
	  echo "installing Debian's chromium for the browser tests (apt-get)"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The site checks that `make test` runs over the built site, axe-core (accessibility) and html-validate (HTML
# conformance), are npm packages pinned in tests/package-lock.json and installed with `npm ci` into
# tests/node_modules (git-ignored). Node.js and npm come from Debian (`nodejs npm`) when missing.
NODE_TOOLS := tests/node_modules/.installed

node-tools: $(NODE_TOOLS)

$(NODE_TOOLS): tests/package.json tests/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else \
	    echo "make test: the site checks need Node.js and npm; run: sudo apt-get install -y nodejs npm" >&2; exit 1; fi; \
	  echo "installing Debian's nodejs and npm for the site checks (apt-get)"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	cd tests && npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(READY) browser $(NODE_TOOLS)
	$(BIN)/python -m pytest

# Framework-free tests only (no real snippet, no browser): under a minute.
test-fast: $(READY)
	$(BIN)/python -m pytest -m "not snippets and not browser and not slow" -p no:cacheprovider

serve: $(READY)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

check: $(READY)
	$(BIN)/python -m generator check

bench: $(READY)
	$(BIN)/python -m generator bench

# The version range: every task again on the previous minor release of each framework (requirements-range.txt),
# in a second environment; its results go to records/range.json, which the build shows on every task page.
RANGE_VENV ?= .venv-range
RANGE_STAMP := $(RANGE_VENV)/.installed

range-venv: $(RANGE_STAMP)

$(RANGE_STAMP): requirements-range.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "make: Python $(PYTHON_VERSION) is required and none was found (README, first lines)" >&2; exit 1; }
	@$(RANGE_VENV)/bin/python -c 'import sys; sys.exit("%d.%d" % sys.version_info[:2] != "$(PYTHON_VERSION)")' 2>/dev/null || rm -rf $(RANGE_VENV)
	test -x $(RANGE_VENV)/bin/python || $(PYTHON) -m venv $(RANGE_VENV)
	$(RANGE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-range.txt
	$(RANGE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

range: $(RANGE_STAMP)
	$(RANGE_VENV)/bin/python -m generator range $(RANGE_ARGS)

# What the package index serves now against the pins (`make outdated ARGS=--write` writes the new pins)
outdated: $(READY)
	$(BIN)/python -m generator outdated --python $(PYTHON) $(ARGS)

clean:
	rm -rf site .cache .cache-range tests/node_modules
