# One-word targets. `make lab` starts the workshop; `make test` runs every test.
# Both create the local virtual environment (.venv) first: only Python 3.11+ and pip needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
HOST   := 127.0.0.1
PORT   ?= 8888
ROOT   := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab app test test-random lint unit doctest nbval nbval-ahead browser-deps pg-deps \
	hub-deps clock-deps notebooks messages bench record clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## lab: JupyterLab on the workshop notebook (sample data), bound to 127.0.0.1 with a token
lab: $(STAMP) $(LAB_SETTINGS)
	$(BIN)/jupyter lab notebooks/workshop.ipynb --ServerApp.ip=$(HOST) --port=$(PORT) $(ROOT)

# No "Jupyter news?" pop-up over the panel on the projector (a JupyterLab setting).
$(LAB_SETTINGS): etc/lab-overrides.json $(STAMP)
	mkdir -p $(dir $@) && cp etc/lab-overrides.json $@

## app: the workshop panel as a Voila app (no code cells), bound to 127.0.0.1 with a token
app: $(STAMP)
	@token=$$($(BIN)/python -c "import secrets; print(secrets.token_hex(16))"); \
	  echo "Open http://$(HOST):$(PORT)/?token=$$token"; \
	  $(BIN)/voila notebooks/workshop.ipynb --Voila.ip=$(HOST) --port=$(PORT) --no-browser \
	    --token=$$token --VoilaConfiguration.progressive_rendering=True

## test: ruff, pytest (unit, browser, both stores), every docstring example, strict nbval
## (today and with the clock 400 days ahead); property tests draw fixed examples
test: $(STAMP) browser-deps pg-deps hub-deps clock-deps lint unit doctest nbval nbval-ahead

## test-random: the property tests on new random examples, ten times as many, shrunk on failure
test-random: $(STAMP)
	HYPOTHESIS_PROFILE=random PMO_NB_EXAMPLES=10 $(BIN)/pytest -q -p no:cacheprovider \
	  tests/test_plan.py tests/test_coverage.py

lint: $(STAMP)
	$(BIN)/ruff check --no-cache .

unit: $(STAMP)
	$(BIN)/pytest

# every docstring example in the package runs (the root conftest.py sets them up)
doctest: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider --doctest-modules pmo_nb

# nbval runs on a fresh copy in a temp folder: never on a facilitator's own session file.
NBVAL = tmp=$$(mktemp -d) && cp -r notebooks data $$tmp/ && cd $$tmp && \
	  $(1) $(BIN)/pytest -q -p no:cacheprovider --nbval --nbval-current-env \
	    --nbval-sanitize-with notebooks/sanitize.cfg notebooks; \
	  status=$$?; rm -rf $$tmp; exit $$status
nbval: $(STAMP)
	@$(call NBVAL,)

# The same run with the clock 400 days ahead (Debian's faketime): a date that leaks into a
# committed output fails the day it is written, not the day after.
nbval-ahead: $(STAMP) clock-deps
	@$(call NBVAL,faketime -f +400d)

# Debian's Chromium for the browser tests and record.pdf (Playwright cannot download browsers
# here); LibreOffice Calc and Impress, headless, for the tests that open every export in a
# spreadsheet and convert the record's deck to PDF; poppler-utils (pdftotext, pdftoppm) to
# read the words on those PDFs.
browser-deps:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium missing and not root: browser tests will be skipped"; }
	@command -v soffice >/dev/null || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && apt-get install -y -qq libreoffice-calc-nogui >/dev/null) || \
	  echo "soffice missing and not root: the LibreOffice export test will be skipped"; }
	@dpkg -s libreoffice-impress-nogui >/dev/null 2>&1 || dpkg -s libreoffice-impress >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && apt-get install -y -qq libreoffice-impress-nogui >/dev/null) || \
	  echo "LibreOffice Impress missing and not root: the deck's conversion test will be skipped"; }
	@command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null) || \
	  echo "poppler-utils missing and not root: the PDF layout tests will be skipped"; }

# Debian's PostgreSQL server binaries: the tests start a throwaway server from them
# (initdb into a temp folder, 127.0.0.1, a free port) and stop it afterwards.
pg-deps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || \
	  echo "postgresql missing and not root: PostgreSQL tests will be skipped"; }

# The hub test (tests/test_hub.py): JupyterHub's proxy, configurable-http-proxy from npm, into
# .venv/node (not globally); Debian's npm (and Node.js) first when missing.
CHP := $(VENV)/node/node_modules/.bin/configurable-http-proxy
hub-deps:
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null) || \
	  echo "npm missing and not root: the hub test will be skipped"; }
	@[ -x $(CHP) ] || ! command -v npm >/dev/null || \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/node configurable-http-proxy@^4.6 \
	  >/dev/null || echo "npm could not install configurable-http-proxy: the hub test will be skipped"

# Debian's faketime for nbval-ahead.
clock-deps:
	@command -v faketime >/dev/null || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && apt-get install -y -qq faketime >/dev/null) || \
	  { echo "faketime missing and not root: install Debian's faketime"; exit 1; }; }

## notebooks: re-execute the committed notebooks on a fresh sample session (the sample record)
notebooks: $(STAMP)
	$(BIN)/python -m pmo_nb.cli refresh-notebooks

## messages: the message catalogs: extract pmo_nb's messages, update every .po, compile the .mo
LOCALE := pmo_nb/i18n/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k plural:1,2 -k Col:2 --no-default-keywords \
	  --no-location --sort-output --omit-header -o $(LOCALE)/pmo_nb.pot pmo_nb
	@for lang in $$($(BIN)/python -c "import pmo_nb.i18n as i; print(*[i.locale_name(t) \
	    for t in i.LANGUAGES if t != 'en'])"); do \
	  [ -f $(LOCALE)/$$lang/LC_MESSAGES/pmo_nb.po ] || \
	    { $(BIN)/pybabel init -D pmo_nb -i $(LOCALE)/pmo_nb.pot -d $(LOCALE) -l $$lang && \
	      sed -i '/^#, fuzzy$$/d' $(LOCALE)/$$lang/LC_MESSAGES/pmo_nb.po; }; done
	$(BIN)/pybabel update -D pmo_nb -i $(LOCALE)/pmo_nb.pot -d $(LOCALE) \
	  --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -D pmo_nb -d $(LOCALE) --statistics

## bench: benchmarks, reported as ratios against floors measured in the same run
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_workshop.py
	$(BIN)/python benchmarks/bench_plan.py
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/bench_votes.py
	$(BIN)/python benchmarks/bench_room.py
	$(BIN)/python benchmarks/bench_progress.py
	$(BIN)/python benchmarks/bench_benchmark.py
	$(BIN)/python benchmarks/bench_room_feel.py --browser

## record: the shareable record of the sample workshop into record/
record: $(STAMP)
	$(BIN)/pmo-nb record --gaps data/sample_gaps.csv --catalog data/catalog.csv \
	  --assignments data/sample_assignments.csv --session record/sample.sqlite --out record \
	  --budget 450 --wave-budget 150 --title "Sample organisation (demo)"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
