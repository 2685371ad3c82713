# One command to run the app, one to run every test. See README.md.
PYTHON ?= python3
PORT ?= 8501

.PHONY: run install install-test browser fonts servers test slow bench calibrate snapshot regressions mutation

install:
	$(PYTHON) -m pip install -q -e .

run: install
	$(PYTHON) -m streamlit run streamlit_app.py --server.port $(PORT)

# Debian's Chromium for the real-browser tests (Playwright's own download cannot be used), and
# poppler-utils (pdftoppm) to render the exported one-page PDF to PNG in the scenario browser test.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: /usr/bin/chromium missing and not root: browser tests will be skipped"; fi; \
	fi
	@if ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then (apt-get install -y -qq poppler-utils >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null)); \
	  else echo "note: pdftoppm missing and not root: the PDF screenshot will be skipped"; fi; \
	fi

# nginx for the deploy tests (tests/deploy: `nginx -t` on deploy/nginx, and the proxy of the live
# team-stack test); PostgreSQL is Debian's (apt-get install postgresql) where the machine lacks it.
# Debian's nginx-light; no service is started (the tests run their own nginx on loopback).
servers:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ]; then (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null)); \
	  else echo "note: nginx missing and not root: the deploy tests will be skipped"; fi; \
	fi
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)); \
	  else echo "note: PostgreSQL missing and not root: the team-stack test will be skipped"; fi; \
	fi

install-test: browser fonts servers
	$(PYTHON) -m pip install -q -e ".[test]"

# Every test except those marked slow (timing budgets, long sweeps: `make slow`).
test: install-test
	$(PYTHON) -m pytest -q -p no:cacheprovider --timeout 600 -m "not slow"

# The slow checks only: tests marked @pytest.mark.slow, among them the speed budgets measured by
# bench/engine.py (tests/test_speed_budgets.py). Run it on a quiet machine; docs/architecture.md
# says how to add one.
slow: install-test
	$(PYTHON) -m pytest -q -p no:cacheprovider --timeout 1200 -m slow

# Every bench/<area>.py with a main(), each in its own process; each rewrites its own section of
# bench/RESULTS.md. (bench.llm_analysis_compare builds its own virtual environment: see its docstring.)
bench: install-test
	$(PYTHON) -m bench.run_all

# A CJK font, so that browser screenshots of the Chinese interface show characters, not boxes.
fonts:
	@if ! fc-list 2>/dev/null | grep -qi "wqy\|noto sans cjk"; then \
	  if [ "$$(id -u)" = 0 ]; then (apt-get install -y -qq fonts-wqy-zenhei >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null)); \
	  else echo "note: no CJK font and not root: Chinese text in screenshots shows as boxes"; fi; \
	fi

# Re-record the CLI outputs over the catalog (tools/cli_snapshot.py says which) and every page's figures on its defaults
# (tests/snapshots/). Only for changes that move figures on purpose: review the diff first with
# `python -m tools.cli_snapshot diff` and `python -m tools.page_snapshot diff`.
snapshot:
	$(PYTHON) -m tools.cli_snapshot write
	$(PYTHON) -m tools.page_snapshot write

# Each planted bug of tests/regressions/*.patch applied to a scratch copy: at least one test of its
# selection (tests/regressions/catchers.json) must fail. Prints patch -> catching test(s).
regressions: install-test
	$(PYTHON) -m tests.regressions.run

# Mutation testing of scenarios/engine and scenarios/business with their fast unit tests (mutmut,
# configured in pyproject.toml [tool.mutmut]). Long on 2 cores, so not in CI; `tools/mutation.py` runs it and prints
# the kill rate (bench/RESULTS.md records the last run).
mutation: install-test
	$(PYTHON) -m pip install -q -e ".[mutation]"
	$(PYTHON) -m tools.mutation
