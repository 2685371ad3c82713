# One command to run the app, one to run every test. See README.md.
PYTHON ?= python3
PORT ?= 8501

.PHONY: run install install-test browser test bench calibrate

install:
	$(PYTHON) -m pip install -q -e .

run: install
	$(PYTHON) -m streamlit run streamlit_app.py --server.port $(PORT)

# Debian's Chromium for the real-browser tests (Playwright's own download cannot be used),
# and a CJK font so that screenshots of the Chinese interface show characters, not boxes.
BROWSER_PACKAGES = chromium fonts-wqy-zenhei
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wqy; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; \
	  else echo "note: /usr/bin/chromium or a CJK font missing and not root: browser tests may be skipped"; fi; \
	fi

install-test: browser
	$(PYTHON) -m pip install -q -e ".[test]"

test: install-test
	$(PYTHON) -m pytest -q -p no:cacheprovider --timeout 600

# One module per area; each rewrites its own section of bench/RESULTS.md.
# (bench.llm_analysis_compare needs its own virtual environment: see its docstring.)
BENCHES ?= engine app
bench: install-test
	@for b in $(BENCHES); do echo "== bench.$$b"; $(PYTHON) -m bench.$$b || exit 1; done
