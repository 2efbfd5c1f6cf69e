# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench fuzz lint format clean

run: $(STAMP)
	$(BIN)/earmark data

test: $(STAMP)
	@command -v tmux >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& (apt-get install -y -qq tmux >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq tmux >/dev/null)) \
		|| echo "tmux not installed: the real-terminal tests will be skipped"; }
	$(BIN)/python -m pytest

# Search measured at scale: a few minutes (it builds a 1,000-episode index); not part of `make test`.
# Writes tests/bench/RESULTS.md; then the note-linking precision on the labelled sample, if present.
bench: $(STAMP)
	@command -v rg >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& (apt-get install -y -qq ripgrep >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq ripgrep >/dev/null)) \
		|| echo "ripgrep not installed: the search benchmark compares with grep -r"; }
	$(BIN)/python -m tests.bench.run
	@[ ! -f ../shared/eval/links-dev.json ] || $(BIN)/python -m tests.bench.related_eval ../shared/eval/links-dev.json tests/bench/links-heldout.json

# The property tests searched much harder: 10,000 examples each (every parser, any query), and
# the huge inputs (numbers of a million digits, nesting 100,000 deep) that make test leaves out.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_parser_properties.py \
		tests/test_search.py -k "any_text or any_bytes or mutated or absurd or deep or huge \
		or episode_toml or no_string or no_mix"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The venv is (re)built when pyproject.toml changes; the project is installed editable.
$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "earmark needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist *.egg-info
