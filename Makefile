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

.PHONY: setup lab test test-portable exercises bench guide stamp env clean help

help:
	@echo "make lab        set up and open the course in JupyterLab"
	@echo "make test       set up and run every test"
	@echo "make test-portable  run the lessons again with the numerics of another machine"
	@echo "make exercises  regenerate exercises/ from solutions/"
	@echo "make bench      time every notebook and measure its memory (benchmarks/notebooks.md)"
	@echo "make guide      regenerate docs/instructor_guide.md from the lessons and the benchmark"
	@echo "make stamp      write the Colab badge and setup cell into every lesson and solution"
	@echo "make env        regenerate environment.yml from requirements.txt"

# torch: on Linux PyTorch's CPU build when its index answers, else PyPI's (CUDA) build; see
# tools/install_requirements.py. `make lab TORCH=cpu` or `TORCH=cuda` forces one (and reruns this).
# The editable install's "Editable installation" notice (setuptools, information only) is muted.
$(STAMP): requirements.txt pyproject.toml tools/install_requirements.py $(if $(TORCH),FORCE)
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v[:2] == (3, 11) and v >= (3, 11, 5) else "The course needs Python 3.11, 3.11.5 or newer (found %d.%d.%d). Install it, or run: make PYTHON=/path/to/python3.11 ..." % v[:3])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(PY) tools/install_requirements.py --torch $(or $(TORCH),auto)
	PYTHONWARNINGS="ignore:Editable installation" $(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (embeddings course)" >/dev/null
	@touch $@

FORCE:

setup: $(STAMP)

# Root (a container, a workshop VM) needs --allow-root; learners' laptops do not.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_welcome.ipynb $(ROOT_FLAG) $(LAB_ARGS)

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

test: setup
	$(PY) -m pytest -n $(JOBS) --dist loadfile tests notebooks solutions $(NBVAL) $(PYTEST_ARGS)

# The lessons and solutions again, as a learner's machine would compute them: torch's CPU
# kernels without AVX2/AVX-512 (ATEN_CPU_CAPABILITY=default), MKL's AVX2 code path (a laptop's)
# and one BLAS/OpenMP thread instead of two. The stored outputs must hold here too (the
# comparison rule is in CONTRIBUTING.md). OPENBLAS_* variables are left as the machine sets them.
PORTABLE_ENV := ATEN_CPU_CAPABILITY=default MKL_ENABLE_INSTRUCTIONS=AVX2 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

test-portable: setup
	$(PORTABLE_ENV) $(PY) -m pytest -n $(JOBS) --dist loadfile notebooks solutions $(NBVAL) $(PYTEST_ARGS)

exercises: setup
	$(PY) tools/build_exercises.py

bench: setup
	$(PY) benchmarks/run_notebooks.py

guide: setup
	$(PY) tools/build_guide.py

stamp: setup
	$(PY) tools/authoring.py stamp

env: setup
	$(PY) tools/authoring.py env

clean:
	rm -rf $(VENV) .pytest_cache
