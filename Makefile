# The two commands: `make site` and `make test`. Both create .venv once and reuse it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
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

.PHONY: site test test-fast browser node-tools serve bench check clean venv

venv: $(READY)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Python 3.11 is required (found %s)" % sys.version.split()[0])'
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

clean:
	rm -rf site .cache tests/node_modules
