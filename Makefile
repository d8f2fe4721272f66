# Two commands from a fresh clone: `make run` and `make test`. Both create or refresh .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint unit bench clean

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# CPU torch first, from this machine's disk; the project pins the same version so nothing pulls CUDA.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -c "import torch, sys; sys.exit('a CUDA build of torch was installed' if torch.version.cuda else 0)"
	@touch $@

install: $(STAMP)

run: install
	$(BIN)/aims load --inventory ontology/examples/kestrel-finance.yaml
	$(BIN)/aims chat

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -q -n 2

test: lint unit

bench: install
	$(BIN)/python bench/load_bench.py
	$(BIN)/python bench/import_bench.py 10000
	$(BIN)/python bench/retrieval_bench.py
	$(BIN)/python bench/decisions_bench.py
	$(BIN)/python bench/slack_bench.py
	$(BIN)/python bench/answers_bench.py
	$(BIN)/python bench/remote_store_bench.py
	$(BIN)/python bench/report_bench.py

clean:
	rm -rf $(VENV) .aims .pytest_cache .mypy_cache .ruff_cache
