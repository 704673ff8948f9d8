# make lab   set up, then start the local AWS and JupyterLab on notebooks/ (Ctrl-C stops both)
# make test  set up, then run every test, including strict nbval over every notebook
#
# Set-up: an active virtualenv or conda environment is used when it already satisfies the project
# (scripts/check_environment.py); otherwise a .venv at the repository root is created and kept in step
# with pyproject.toml (exact versions from constraints.txt).

PYTHON3 ?= python3
VENV    := .venv
ACTIVE  := $(or $(VIRTUAL_ENV),$(CONDA_PREFIX))
USE_ACTIVE := $(if $(and $(ACTIVE),$(filter-out $(abspath $(VENV)),$(abspath $(ACTIVE)))),$(shell python scripts/check_environment.py >/dev/null 2>&1 && echo yes))
PY      := $(if $(USE_ACTIVE),python,$(VENV)/bin/python)
SETUP   := $(if $(USE_ACTIVE),,$(VENV)/.installed)

.PHONY: lab test setup lint notebooks benchmark clean

lab: $(SETUP)
	$(PY) -m helpers.lab $(LAB_ARGS)

test: $(SETUP)
	$(PY) -m ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(SETUP)

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(VENV)/bin/python || $(PYTHON3) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade "pip>=23.1"
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e ".[crosscheck]"
	touch $@

lint: $(SETUP)
	$(PY) -m ruff check .

# Re-execute every notebook against a fresh local AWS and store the outputs (then review the diff).
notebooks: $(SETUP)
	$(PY) scripts/execute_notebooks.py notebooks/*.ipynb

# Every benchmark runs, even when one fails; the target fails at the end if any did.
BENCHMARKS := startup notebooks identity_pool_throughput policy_evaluation memory

benchmark: $(SETUP)
	@failed=""; for name in $(BENCHMARKS); do \
		echo "== benchmarks/$$name.py"; \
		$(PY) benchmarks/$$name.py || failed="$$failed $$name"; \
	done; \
	if [ -n "$$failed" ]; then echo "benchmarks that failed:$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache

# The blog's web page (webapp/): rebuild the committed bundle webapp/dist/blog.js from the lockfile
# (needs Node and npm; `make lab` does not: it serves the committed bundle).
.PHONY: webapp
webapp:
	webapp/build.sh
