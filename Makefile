# The two commands a newcomer needs: `make demo` (or `make run` with BOT_TOKEN) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PYBABEL := $(BIN)/pybabel

.PHONY: install run demo migrate sandbox test lint locales extract update-locales compile-locales clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed compile-locales

run: install
	$(BIN)/fieldcrm run

# The sandbox Bot API with its web chat at http://127.0.0.1:8080, and the bot on data/demo.db.
demo: install
	$(BIN)/fieldcrm demo --port 8080

migrate: install
	$(BIN)/fieldcrm migrate

sandbox: install
	$(BIN)/fieldcrm sandbox

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Translations: extract new strings, merge them into both catalogues, compile.
locales: extract update-locales compile-locales

extract: $(VENV)/.installed
	$(PYBABEL) extract --no-location --sort-output -F locales/babel.cfg -k N_ -o locales/messages.pot .

update-locales: $(VENV)/.installed
	$(PYBABEL) update --no-fuzzy-matching -i locales/messages.pot -d locales -D messages

compile-locales: $(VENV)/.installed
	$(PYBABEL) compile --statistics -d locales -D messages

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
