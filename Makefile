# The two commands of the README's quick start. Each creates its own virtual environment (.venv).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= oedr-results
PYTEST_WORKERS ?= 2

.PHONY: run test lint unit emulator-subprocess emulator-subprocess-quick features features-subprocess features-docker example badinput clean

## run: the standard DR suite (features/procedures) on the embedded emulator, writing the evidence report to $(OUT)/
# The container faults (features/faults) need the docker backend: `oedr run --backend docker`.
run: $(VENV)/.installed
	$(BIN)/oedr run features/procedures --backend local --out $(OUT) -n $(PYTEST_WORKERS)

## test: every test of the project (lint, unit and emulator tests, features on every backend)
test: lint unit emulator-subprocess features features-docker example

# mypy reads its files and options from pyproject.toml ([tool.mypy]: harness strict, steps' bodies checked).
lint: $(VENV)/.installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

unit: $(VENV)/.installed
	$(BIN)/pytest tests -n $(PYTEST_WORKERS) -q

# The emulator's own tests and the golden transcripts again, every command through the installed console scripts as a
# DBA runs them: each behaviour the emulator promises, and each output OpenEdge is quoted printing, is proven on both
# paths. The features run once locally (in-process) and once on
# docker (a process per command); tests/emulator/test_console_scripts_corpus.py proves over a corpus that runs every
# utility that in-process and console-script runs print, exit and write the same, so `features-subprocess` (the
# features through the console scripts) is not part of `test`. `emulator-subprocess-quick` runs through the
# console scripts only the tests whose behaviour depends on a process per command (signals, brokers and their
# locks, a closed stdout, exit codes of killed processes): a shorter loop while working.
CONSOLE_SCRIPT_TESTS := $(addprefix tests/emulator/test_,$(addsuffix .py,proserve_proshut closed_stdout \
	broker_process ai_full probkup_in_progress crash_recovery aiarchiver console_scripts_corpus))

emulator-subprocess: $(VENV)/.installed
	OEDR_LOCAL_SUBPROCESS=1 $(BIN)/pytest tests/emulator tests/golden -n $(PYTEST_WORKERS) -q

emulator-subprocess-quick: $(VENV)/.installed
	OEDR_LOCAL_SUBPROCESS=1 $(BIN)/pytest $(CONSOLE_SCRIPT_TESTS) -n $(PYTEST_WORKERS) -q

features: $(VENV)/.installed
	$(BIN)/pytest features -n $(PYTEST_WORKERS) -q

# The same features through the installed console scripts (one process per command), as a DBA runs them.
features-subprocess: $(VENV)/.installed
	OEDR_LOCAL_SUBPROCESS=1 $(BIN)/pytest features -n $(PYTEST_WORKERS) -q

# Each host in its own container; skipped with a reason when no Docker engine answers
# (OEDR_REQUIRE_DOCKER=1 makes that a failure, as in CI).
features-docker: $(VENV)/.installed
	TESTCONTAINERS_RYUK_DISABLED=true $(BIN)/pytest features -n $(PYTEST_WORKERS) -q --oe-backend docker

## example: the site example under examples/acme (its own .st and runbook)
example: $(VENV)/.installed
	$(BIN)/pytest examples/acme -q

## badinput: the whole generated bad-input corpus (tests/badinput; `make test` runs a sample), with its count table
# OEDR_BADINPUT_SEED=<n> generates another corpus; a failing case is named by its number.
badinput: $(VENV)/.installed
	OEDR_BADINPUT_SAMPLE=all $(BIN)/pytest tests/badinput/test_corpus.py -n 0 -q -s

# The exact versions of constraints.txt (pyproject.toml gives a site's installation compatible ranges).
$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "oedr needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
