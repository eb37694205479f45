# Two commands for learners and instructors:
#   make lab    set up .venv (pinned packages, course_lib, the kernel) and open the course
#   make test   the same set-up, then every test (unit tests, notebooks, exercises)
# Both are idempotent: the set-up reruns only when requirements.txt or pyproject.toml change.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.course-installed
KERNEL := embeddings-course
# Two pytest workers on a 2-core machine; each notebook still runs in its own kernel.
JOBS   ?= 2

.PHONY: setup lab test exercises bench guide stamp clean help

help:
	@echo "make lab        set up and open the course in JupyterLab"
	@echo "make test       set up and run every test"
	@echo "make exercises  regenerate exercises/ from solutions/"
	@echo "make bench      time every notebook and measure its memory (benchmarks/notebooks.md)"
	@echo "make guide      regenerate docs/instructor_guide.md from the lessons and the benchmark"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "The course needs Python 3.11 (found %d.%d). Install it, or run: make PYTHON=/path/to/python3.11 ..." % sys.version_info[:2])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (embeddings course)" >/dev/null
	@touch $@

setup: $(STAMP)

# Root (a container, a workshop VM) needs --allow-root; learners' laptops do not.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_welcome.ipynb $(ROOT_FLAG) $(LAB_ARGS)

test: setup
	$(PY) -m pytest -n $(JOBS) --dist loadfile tests notebooks solutions \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg $(PYTEST_ARGS)

exercises: setup
	$(PY) -m course_lib.exercises build

bench: setup
	$(PY) benchmarks/run_notebooks.py

guide: setup
	$(PY) docs/build_guide.py

stamp: setup
	$(PY) -m course_lib.authoring stamp

clean:
	rm -rf $(VENV) .pytest_cache
