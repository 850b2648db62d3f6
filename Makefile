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

run: $(STAMP)
	$(PY) -m transfer_sim

# pytest exits 5 when it collected nothing: report it as the failure it is.
test: $(STAMP)
	@$(PY) -m pytest -q $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: pytest collected no tests" >&2; fi; exit $$status

bench: $(STAMP)
	$(PY) benchmarks/run.py

.PHONY: bench-batch
bench-batch: $(STAMP)
	$(PY) benchmarks/batch.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
