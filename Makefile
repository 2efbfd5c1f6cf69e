# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench fuzz attack lint format clean

# $(call apt_install,COMMAND,PACKAGE,what goes without it): installs PACKAGE with apt-get when
# COMMAND is missing and we are root (updating the package lists only if the install fails).
apt_install = command -v $(1) >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	&& (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null 2>&1 \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null)) \
	|| echo "$(1) not installed: $(3)"; }

run: $(STAMP)
	$(BIN)/earmark

test: $(STAMP)
	@$(call apt_install,tmux,tmux,the real-terminal tests will be skipped)
	@$(call apt_install,mpv,mpv,the player tests will be skipped)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n 4 --dist worksteal

# Search measured at scale: a few minutes (it builds a 1,000-episode index); not part of `make test`.
# Writes tests/bench/RESULTS.md; then the note placement measures on the dev labels (shared/eval, if
# beside the repository) and the held-out samples.
bench: $(STAMP)
	@$(call apt_install,rg,ripgrep,the search benchmark compares with grep -r)
	$(BIN)/python -m tests.bench.run
	$(BIN)/python -m tests.bench.related_eval

# Safety round two's attack run against the real earmark (pipes, a pty, tmux, kill -9, full disks as
# root): ~25 minutes; writes tests/bench/ATTACKS.md, the figures in docs/robustness.md.
attack: $(STAMP)
	@$(call apt_install,tmux,tmux,the tmux attacks will be skipped)
	$(BIN)/python -m tests.bench.attack

# The property tests searched much harder: 10,000 examples each (every parser, any query, every
# format with control characters in every field, any episode name; queries of 1–5,000 words get
# a quarter of that), and the huge inputs (numbers of a million digits, nesting 100,000 deep)
# that make test leaves out.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_parser_properties.py \
		tests/test_search.py tests/test_hostile_documents.py tests/test_episode_ids.py \
		tests/test_user_library.py \
		-k "any_text or any_bytes or mutated or absurd or deep or huge or episode_toml \
		or no_string or no_mix or every_string or slug or ascii_folder_name or any_episode_name \
		or long_queries"

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
