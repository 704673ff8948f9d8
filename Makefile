# make lab   set up the course, then start the local AWS and JupyterLab on notebooks/ (Ctrl-C stops both)
# make test  set up with the test tools, then run every test, including strict nbval over every notebook
# make docs  build the course site from the committed notebooks into build/site/ (no notebook is run)
#
# Set-up, one profile per command (pyproject.toml): `make lab` installs what the course needs to run and
# nothing else; `make test` adds the `test` extra (and `docs`, since the tests build the site); `make docs`
# adds the `docs` extra and mermaid.js (npm ci in site/). An active virtualenv or conda environment is used
# when it already satisfies the profile (scripts/check_environment.py); otherwise a .venv at the repository
# root is created and kept in step with pyproject.toml (exact versions from constraints.txt).

PYTHON3 ?= python3
VENV    := .venv
ACTIVE  := $(or $(VIRTUAL_ENV),$(CONDA_PREFIX))
# The profiles (lab, test, docs) that an active environment other than .venv already satisfies.
ACTIVE_PROFILES := $(if $(and $(ACTIVE),$(filter-out $(abspath $(VENV)),$(abspath $(ACTIVE)))),$(shell python scripts/check_environment.py --satisfied 2>/dev/null))
uses_active = $(filter $(1),$(ACTIVE_PROFILES))
python_for  = $(if $(call uses_active,$(1)),python,$(VENV)/bin/python)
setup_for   = $(if $(call uses_active,$(1)),,$(VENV)/.installed-$(1))
# What each profile installs, besides the project itself (editable).
EXTRAS_lab  :=
EXTRAS_test := [test]
EXTRAS_docs := [docs]
MERMAID     := site/node_modules/mermaid/dist/mermaid.esm.min.mjs

.PHONY: lab test docs setup lint notebooks benchmark clean

lab: PY = $(call python_for,lab)
lab: $(call setup_for,lab)
	$(PY) -m helpers.lab $(LAB_ARGS)

# pytest-xdist: three worker processes (with the lowest-versions job's one, four on two cores: the slow
# tests wait on kernels, JupyterLab or a browser part of the time; a fourth worker costs more CPU than it
# fills, benchmarks/test_suite.py: 162 s with three, 179-192 s with four, 169 s with two); units and order
# in tests/support/distribution.py.
PYTEST_XDIST := -n 3 --dist loadfile --no-loadscope-reorder
# Bytecode as Python writes it by default, beside the sources (__pycache__/, ignored by git), even where
# PYTHONDONTWRITEBYTECODE is set: a run starts about a hundred Python processes (workers, kernels, local
# AWS servers, JupyterLab), and without it each compiles the course's modules again and each pytest
# rewrites every test module again (3 s of CPU per pytest process; benchmarks/test_suite.py: 300 s of the
# machine's CPU time without, 278 s with, from the second run on).
PYTEST_ENV := PYTHONDONTWRITEBYTECODE=

test: PY = $(call python_for,test)
test: $(call setup_for,test) $(call setup_for,docs) $(MERMAID)
	$(PY) -m ruff check .
	$(PYTEST_ENV) $(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

docs: PY = $(call python_for,docs)
docs: $(call setup_for,docs) $(MERMAID)
	$(PY) scripts/build_site.py

setup: $(call setup_for,lab)

$(VENV)/.installed-%: pyproject.toml constraints.txt
	test -x $(VENV)/bin/python || $(PYTHON3) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade "pip>=23.1"
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e ".$(EXTRAS_$*)"
	touch $@

# mermaid.js for the site's diagrams, at the version site/package-lock.json records (no CDN at view time).
$(MERMAID): site/package.json site/package-lock.json
	npm ci --prefix site --no-audit --no-fund --loglevel=error
	touch $@

lint: PY = $(call python_for,test)
lint: $(call setup_for,test)
	$(PY) -m ruff check .

# Re-execute every notebook against a fresh local AWS and store the outputs (then review the diff).
notebooks: PY = $(call python_for,test)
notebooks: $(call setup_for,test)
	$(PY) scripts/execute_notebooks.py notebooks/*.ipynb

# Every benchmark runs, even when one fails; the target fails at the end if any did.
BENCHMARKS := startup notebooks identity_pool_throughput policy_evaluation memory blog_page

benchmark: PY = $(call python_for,test)
benchmark: $(call setup_for,test)
	@failed=""; for name in $(BENCHMARKS); do \
		echo "== benchmarks/$$name.py"; \
		$(PY) benchmarks/$$name.py || failed="$$failed $$name"; \
	done; \
	if [ -n "$$failed" ]; then echo "benchmarks that failed:$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache build site/node_modules

# The blog's web page (webapp/): rebuild the committed bundle webapp/dist/blog.js from the lockfile
# (needs Node and npm; `make lab` does not: it serves the committed bundle).
.PHONY: webapp
webapp:
	webapp/build.sh
