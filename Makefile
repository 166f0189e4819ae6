# The README's commands, and a few for developers. `make` alone lists them.
.DEFAULT_GOAL := help
UV ?= uv
export PATH := $(HOME)/.local/bin:$(PATH)
export UV_LINK_MODE ?= copy

help:  ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup:  ## Install Python dependencies (uv, from the lock file) and browser assets (npm)
	@scripts/setup

run: setup  ## Set up, then start Hearth on the embedded default with the demo world
	$(UV) run hearth demo

test: setup  ## Set up, then run the whole test suite (SQLite, PostgreSQL, NATS, Chromium)
	@scripts/ensure-test-tools
	$(UV) run pytest -n 2 $(PYTEST_ARGS)

lint:  ## ruff and the import contracts
	$(UV) run ruff check src tests
	$(UV) run lint-imports

messages:  ## Refresh the translation catalogue after changing UI strings
	$(UV) run pybabel extract -F babel.cfg -k _ -k gettext -k N_ --omit-header --no-location -o src/hearth/locale/messages.pot .
	$(UV) run pybabel update -i src/hearth/locale/messages.pot -d src/hearth/locale -l fr --omit-header --no-fuzzy-matching

migration:  ## Autogenerate a migration from model changes: make migration m="what changed"
	$(UV) run python -m hearth.kit.migrate "$(m)"

benchmarks:  ## Run every benchmark (see benchmarks/README.md); one: make benchmarks b=nab
	$(UV) run --group bench python -m benchmarks $(b)

.PHONY: help setup run test lint messages migration benchmarks
