# Reel TUI: `make run` and `make test` do all set-up on a fresh Debian machine (as root).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := libmpv2 mpv ffmpeg gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 \
	gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav gstreamer1.0-x python3-gst-1.0 \
	python3-gi python3-venv tmux xvfb xauth sqlite3

.PHONY: run test lint typecheck unit bench setup clean

run: setup
	@if $(VENV)/bin/reel sources list --json | $(PY) -c 'import json,sys; sys.exit(0 if json.load(sys.stdin) else 1)'; \
	then $(VENV)/bin/reel; else $(VENV)/bin/reel demo; fi

test: setup lint typecheck unit

lint: setup
	$(VENV)/bin/ruff format --check reel_tui tests benchmarks
	$(VENV)/bin/ruff check reel_tui tests benchmarks
	$(VENV)/bin/lint-imports

typecheck: setup
	$(VENV)/bin/mypy

unit: setup
	$(VENV)/bin/pytest -q

bench: setup
	$(PY) -m benchmarks

setup: $(VENV)/.stamp-install

# System packages: installed only when one is missing, so a second run does nothing.
.stamp-apt: Makefile
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages: $$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

# The venv is made from Debian's interpreter with system site packages so that
# GStreamer's `gi` (python3-gi, python3-gst-1.0) is importable.
$(VENV)/.stamp-install: .stamp-apt pyproject.toml
	@test -x $(PY) || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $@

clean:
	rm -rf $(VENV) .stamp-apt .pytest_cache .mypy_cache .ruff_cache
