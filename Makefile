# One task file for the README, CI and developers. `make app` and `make test` are the two
# commands of the README; .ci/run calls `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup app index test lint format bench eval baseline clean-index deploy-index

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned: pip then takes the CPU build instead of a multi-GB CUDA one.
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

index: setup  ## build the bundled sample index if there is none yet
	$(BIN)/onrecord ingest data/sample --if-empty

app: index  ## first command: set up, index the sample corpus, start the app
	$(BIN)/streamlit run app.py

# Two workers, each test file on one of them (module fixtures such as the Cloud environment
# are built once): while one test waits on a child process, server or browser, the other
# core runs the next. About 13 minutes here against 20 in one process.
TEST_WORKERS ?= 2

test: setup  ## second command: set up and run the test suite (slow tests included)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup  ## ingest benchmark over ../shared/corpus (or CORPUS=path)
	$(BIN)/python bench/ingest_speed.py $(CORPUS)

eval: index  ## evaluate the sample question set on the sample index (quotes mode)
	$(BIN)/onrecord eval data/questions/sample.jsonl --mode quotes --out eval-out \
		--baseline data/questions/baseline-summary.json

baseline: index  ## deliberately accept the current quality as the new CI baseline
	$(BIN)/onrecord eval data/questions/sample.jsonl --mode quotes --out eval-out
	cp eval-out/summary.json data/questions/baseline-summary.json

deploy-index: setup  ## rebuild the committed deploy artifact deploy/index from data/sample
	$(BIN)/onrecord build-deploy-index data/sample --out deploy/index

clean-index:
	rm -rf vectorstore/gen-* vectorstore/CURRENT vectorstore/ingest.*
