# edgepos: `make run` starts the kiosk on simulated hardware, `make test` runs lint, mypy and the whole suite;
# `make lint` and `make unit` (the fast tests: tests/unit and tests/cli) are the quick checks while working.
# Both install what is missing first: Debian packages (as root; otherwise the one sudo line to run),
# a virtual environment in .venv, and the package itself.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= var
# Debian 12 / Raspberry Pi OS package names.
APT_RUN := xvfb xauth xclip libzbar0 libgl1 libegl1 libgl1-mesa-dri libmtdev1 fonts-noto-cjk
APT_TEST := $(APT_RUN) mosquitto chromium

export KIVY_NO_ARGS := 1

.PHONY: run test lint typecheck unit soak demo bench system-run system-test clean

run: system-run $(VENV)/.installed-run
	$(BIN)/edgepos --data-dir $(DATA_DIR) kiosk

demo: $(VENV)/.installed-run
	$(BIN)/edgepos --data-dir $(DATA_DIR) demo

bench: $(VENV)/.installed-run
	$(BIN)/edgepos bench checkout

test: system-test lint typecheck
	$(BIN)/python -m pytest -q -p no:cacheprovider

# ruff: pycodestyle, pyflakes, import order, bugbear, pyupgrade and a few more (pyproject.toml [tool.ruff]).
lint: $(VENV)/.installed-test
	$(BIN)/python -m ruff check .

# mypy strict on terminal/, sync/, drivers/ and simulators/ (setup.cfg [mypy]).
typecheck: $(VENV)/.installed-test
	$(BIN)/python -m mypy

# The fast tests while working: tests/unit and tests/cli (the import contract among them); no Kivy window.
unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/unit tests/cli

# The backend fuzz test with 10x the examples (random signed envelopes against running workers), and the
# payment crash test: SIGKILL at each named crash point 20 times, with random delays before the restart.
soak: system-test $(VENV)/.installed-test
	EDGEPOS_SOAK=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/integration/test_backend_fuzz.py
	EDGEPOS_SOAK=1 EDGEPOS_SOAK_REPEAT=20 $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/integration/test_crash_recovery.py tests/integration/test_recovery_race.py

system-run:
	@APT="$(APT_RUN)" PYTHON="$(PYTHON)" sh -c "$$ENSURE_SYSTEM"

system-test:
	@APT="$(APT_TEST)" PYTHON="$(PYTHON)" sh -c "$$ENSURE_SYSTEM"

# Installs the missing Debian packages as root; otherwise names the one command to run.
define ENSURE_SYSTEM
missing=""; \
for p in $$APT; do dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; done; \
$$PYTHON -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
[ -z "$$missing" ] && exit 0; \
if [ "$$(id -u)" = 0 ]; then \
  echo "edgepos: installing Debian packages:$$missing"; \
  export DEBIAN_FRONTEND=noninteractive; \
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
else \
  echo "edgepos: these Debian packages are missing. Run:"; \
  echo "  sudo apt-get install -y$$missing"; \
  exit 1; \
fi
endef
export ENSURE_SYSTEM

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=23" "setuptools>=68,<81" wheel

# face_recognition with --no-deps: setup.cfg brings dlib-bin (prebuilt) instead of building dlib from source.
FACE_RECOGNITION := face_recognition==1.3.0

$(VENV)/.installed-run: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	$(BIN)/python -m pip install -q --no-deps $(FACE_RECOGNITION)
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"
	$(BIN)/python -m pip install -q --no-deps $(FACE_RECOGNITION)
	touch $@ $(VENV)/.installed-run

clean:
	rm -rf $(VENV) build *.egg-info artifacts
