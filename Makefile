# The README's two commands are `make run` and `make test`; the rest are helpers.
PY := .venv/bin/python
## Where `make run` serves: make run ADDR=127.0.0.1:8100
ADDR ?= 127.0.0.1:8000

.PHONY: run test venv lint format migrations check-deploy messages lock bench clean

venv:
	@scripts/bootstrap

## Install on first use, migrate, seed the demo society, serve $(ADDR) with a worker and beat.
run: venv
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py seed_demo
	@$(PY) manage.py run_platform --addr $(ADDR)

## Install on first use and run the whole test suite: everything but the browser journeys
## in parallel on every core, then the journeys in one process, since they share one served
## platform (xdist's loadgroup cannot keep them together on pytest 9.2: pytest-xdist#1386).
## Each test's time is kept in var/junit/*.xml (`scripts/test_times` sums them by part).
test: venv
	@$(PY) -m pytest -n auto -q -m "not browser" --durations=15 --junitxml=var/junit/suite.xml
	@$(PY) -m pytest -q -m browser --durations=10 --junitxml=var/junit/journeys.xml

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: venv
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrations: venv
	$(PY) manage.py makemigrations --check --dry-run

messages: venv
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

## Recompile the lock files from pyproject.toml (then commit them).
lock: venv
	.venv/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		-o requirements/base.lock pyproject.toml
	.venv/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--extra dev -c requirements/base.lock -o requirements/dev.lock pyproject.toml

## Benchmarks need DATABASE_URL on PostgreSQL (bench/run.py --list names them; portal-load
## also REDIS_URL): make bench NAME=ledger-trial-balance, make bench NAME=portal-load
bench: venv
	$(PY) bench/run.py $(NAME) $(if $(SCALE),--scale $(SCALE),)

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache
