# Factoring CCM -- Odoo 19 addons. The logic lives in scripts/*.sh.
#
#   make run     set up, create the demo database "factoring" if missing, run Odoo on http://127.0.0.1:8069
#   make test    set up, recreate "factoring_test" with our modules + demo data, run pytest-odoo
#   make setup   only the shared set-up (Odoo source, .venv, PostgreSQL cluster, .odoo-local.conf)
#   make bench   set up, then each tests/benchmarks/bench_<name>.py (BENCH=name,... to choose):
#                  --odoo-src $ODOO_SRC --config .odoo-local.conf -d $(BENCH_DB) $(BENCH_ARGS)
#   make pot     export each addon's translation template (addons/*/i18n/*.pot)
#   make lint    pre-commit run --all-files (.pre-commit-config.yaml: OCA's 19.0 checks)
#   make format  the same hooks with the formatters, rewriting files (scripts/format_all.sh)
#   make wheels  build each addon's wheel (odoo-addon-<name>, whool) into dist/
#   make stop    stop the project's PostgreSQL cluster
#   make status  show where the cluster is, its port and state
#   make clean   stop the cluster and delete .venv, .venv-lint, the cluster, .odoo-data, .odoo-local.conf, .logs, dist
#
# Useful variables (environment or make command line):
#   ODOO_SRC=/path/to/odoo-19.0   FACTORING_PGPORT=54321   FACTORING_MODULES=mod1,mod2
#   FACTORING_DB=factoring  FACTORING_TEST_DB=factoring_test  BENCH=schedule,reports  BENCH_DB=factoring_bench  BENCH_ARGS=...

SHELL := /bin/bash
VENV  := .venv
BENCH_DB ?= factoring_bench

export ODOO_SRC FACTORING_PGPORT FACTORING_MODULES FACTORING_DB FACTORING_TEST_DB \
       FACTORING_TEST_PATHS BENCH BENCH_DB BENCH_ARGS PYTEST_ADDOPTS PYTHON \
       FACTORING_LINT_FORMATTERS WHEELS_DIR

.PHONY: run test test-odoo test-odoo-core test-odoo-account lint format wheels setup bench pot stop status clean

setup:
	@scripts/setup.sh

run:
	@scripts/run.sh

test:
	@scripts/test.sh

test-odoo:
	@scripts/test_odoo.sh

test-odoo-core:
	@scripts/test_odoo_core.sh core

test-odoo-account:
	@scripts/test_odoo_core.sh account

lint:
	@scripts/lint.sh

format:
	@scripts/format_all.sh

wheels:
	@scripts/wheels.sh

bench:
	@scripts/bench.sh

pot:
	@scripts/pot.sh

stop:
	@scripts/pg.sh stop

status:
	@scripts/pg.sh status

clean:
	@scripts/clean.sh
