# The two commands a newcomer needs: `make demo` (or `make run` with BOT_TOKEN) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PYBABEL := $(BIN)/pybabel
# `make demo PORT=9000`, `make sandbox PORT=9001`; unset, each command keeps its own default (8080, 8081).
PORT ?=
PORT_ARG := $(if $(PORT),--port $(PORT))

.PHONY: install run demo migrate sandbox test lint locales extract update-locales compile-locales clean

# setuptools warns, on every editable install of a project with several top-level packages, that a
# folder named like one of them could shadow it; here those folders are the packages, so it is dropped.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	PYTHONWARNINGS='ignore:Editable installation' $(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed compile-locales

run: install
	$(BIN)/fieldcrm run

# The sandbox Bot API with its web chat at http://127.0.0.1:8080 (or PORT), and the bot on data/demo.db.
demo: install
	$(BIN)/fieldcrm demo $(PORT_ARG)

migrate: install
	$(BIN)/fieldcrm migrate

sandbox: install
	$(BIN)/fieldcrm sandbox $(PORT_ARG)

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

# Messages no longer in the code are dropped, not kept as commented-out entries.
update-locales: $(VENV)/.installed
	$(PYBABEL) update --no-fuzzy-matching --ignore-obsolete -i locales/messages.pot -d locales -D messages

compile-locales: locales/en/LC_MESSAGES/messages.mo locales/zh_Hans/LC_MESSAGES/messages.mo

# English is the source language: a message its catalogue leaves empty shows its msgid, which is the
# English, so the catalogue is mostly empty on purpose and its statistics (a few per cent
# "translated") would read like missing English. It compiles quietly; the Chinese one gives its count.
locales/en/LC_MESSAGES/messages.mo: locales/en/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(PYBABEL) --quiet compile -d locales -D messages -l en

locales/zh_Hans/LC_MESSAGES/messages.mo: locales/zh_Hans/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(PYBABEL) compile --statistics -d locales -D messages -l zh_Hans

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
