# transfer-sim: `make run` and `make test` do all the set-up on a fresh clone.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTHON_CANDIDATES := python3.13 python3.12 python3

.PHONY: run test bench venv clean

# Find an interpreter >= 3.12 (current Mesa needs it); fail with a clear message otherwise.
define find_python
for c in $(PYTHON_CANDIDATES); do \
  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    echo $$c; exit 0; fi; \
done; exit 1
endef

$(STAMP): pyproject.toml constraints.txt
	@if [ ! -x $(PY) ]; then \
	  base=$$($(find_python)) || { echo "error: transfer-sim needs Python >= 3.12 (tried: $(PYTHON_CANDIDATES))." >&2; \
	    echo "Install Python 3.12 or newer, or with pyenv: 'pyenv install 3.12'." >&2; exit 1; }; \
	  echo "Creating $(VENV) with $$($$base --version)"; \
	  $$base -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

# The dashboard and the classroom game (/classroom) on 127.0.0.1 (HOST= opens it to a network,
# PORT= overrides 8765); `transfer-sim run` (or `python -m transfer_sim run`) prints a text summary.
run: $(STAMP) assets
	@echo "transfer-sim dashboard: http://$${HOST:-127.0.0.1}:$${PORT:-8765}/  classroom: /classroom  (Ctrl-C stops it)"
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=False $(VENV)/bin/solara run app.py --production --no-open \
	  --host $${HOST:-127.0.0.1} --port $${PORT:-8765}

.PHONY: assets browser dashboard-test-setup
# Solara's front-end files and plotly.js, unpacked from the npm registry into Solara's asset
# cache, so the dashboard never needs a CDN.
assets: $(STAMP)
	$(PY) -m transfer_sim.dashboard.assets

# Debian's Chromium, for the browser tests and PNG export, and a Chinese font for its pages in
# Chinese (their screenshots and PNGs); apt-get installs both when root.
browser:
	@if command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing chromium and a Chinese font with apt-get"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
	    || echo "warning: apt-get could not install chromium and fonts-wqy-microhei" >&2; \
	else echo "warning: chromium or a Chinese font is missing and needs root and apt-get to install" >&2; fi

# What the dashboard's browser tests need. Failures only warn here: those tests then skip
# with a loud reason, or fail under CI=true.
dashboard-test-setup: $(STAMP)
	@$(PY) -m transfer_sim.dashboard.assets || echo "warning: the dashboard's asset cache is incomplete" >&2
	@$(MAKE) --no-print-directory browser

# pytest exits 5 when it collected nothing: report it as the failure it is.
test: $(STAMP) dashboard-test-setup
	@$(PY) -m pytest -q $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: pytest collected no tests" >&2; fi; exit $$status

# The property test over the whole lever space with many fresh random examples (the suite runs 15).
.PHONY: fuzz
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-500} $(PY) -m pytest -q tests/test_fuzz.py

bench: $(STAMP)
	$(PY) benchmarks/run.py

.PHONY: bench-batch
bench-batch: $(STAMP)
	$(PY) benchmarks/batch.py

# docs/validation.md from the code that checks the model (oracle, lever directions, calibration).
.PHONY: validate
validate: $(STAMP)
	$(PY) -m transfer_sim.validation docs/validation.md

# docs/backcast.md's results from a back-cast of the shipped parameters.
.PHONY: backcast
backcast: $(STAMP)
	$(PY) -m transfer_sim.backcast.document docs/backcast.md

# docs/teaching.md's lesson steps and findings from the lessons and from runs of the model.
.PHONY: teaching
teaching: $(STAMP)
	$(PY) -m transfer_sim.dashboard.lessons docs/teaching.md

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
