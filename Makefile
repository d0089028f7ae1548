# Two entry points (see README): `make benchmark` and `make test`.
# Both create .venv on first use. torch is installed first, pinned, so pip does not
# resolve a multi-GB build on machines that need the CPU one; set TORCH_SPEC to choose
# another build (e.g. TORCH_SPEC="torch --index-url https://download.pytorch.org/whl/cu124").
PYTHON ?= python3
VENV ?= .venv
TORCH_SPEC ?= torch==2.13.0
BIN := $(VENV)/bin

$(BIN)/recbench: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install $(TORCH_SPEC)
	$(BIN)/pip install -e '.[test,tune]'
	touch $(BIN)/recbench

.PHONY: setup benchmark test test-fast
setup: $(BIN)/recbench

benchmark: setup
	$(BIN)/recbench benchmark

# The example plugin is installed for the tests: they run its own tests and train it.
.PHONY: example-plugin
example-plugin: setup
	$(BIN)/python -c "import recbench_sar" 2>/dev/null || $(BIN)/pip install --no-deps -e plugins/recbench-sar

test: example-plugin
	$(BIN)/python -m pytest -q

test-fast: example-plugin
	$(BIN)/python -m pytest -q -m "not slow"
