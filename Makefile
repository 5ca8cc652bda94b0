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

.PHONY: lab app test lint unit doctest nbval browser-deps notebooks bench record clean

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
	    --token=$$token

## test: ruff, pytest (unit, browser), every docstring example, strict nbval on the notebooks
test: $(STAMP) browser-deps lint unit doctest nbval

lint: $(STAMP)
	$(BIN)/ruff check .

unit: $(STAMP)
	$(BIN)/pytest

# every docstring example in the package runs (the root conftest.py sets them up)
doctest: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider --doctest-modules pmo_nb

# nbval runs on a fresh copy in a temp folder: never on a facilitator's own session file.
nbval: $(STAMP)
	@tmp=$$(mktemp -d) && cp -r notebooks data $$tmp/ && cd $$tmp && \
	  $(BIN)/pytest -q -p no:cacheprovider --nbval --nbval-current-env \
	    --nbval-sanitize-with notebooks/sanitize.cfg notebooks; \
	  status=$$?; rm -rf $$tmp; exit $$status

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser-deps:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium missing and not root: browser tests will be skipped"; }

## notebooks: re-execute the committed notebooks on a fresh sample session (the sample record)
notebooks: $(STAMP)
	$(BIN)/python -m pmo_nb.cli refresh-notebooks

## bench: benchmarks, reported as ratios against floors measured in the same run
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_workshop.py
	$(BIN)/python benchmarks/bench_plan.py

## record: the shareable record of the sample workshop into record/
record: $(STAMP)
	$(BIN)/pmo-nb record --gaps data/sample_gaps.csv --catalog data/catalog.csv \
	  --assignments data/sample_assignments.csv --session record/sample.sqlite --out record

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
