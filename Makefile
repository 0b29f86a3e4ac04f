# Two commands do everything on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint bench load clean

$(VENV)/.runtime: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/hadolint Dockerfile

test: lint
	$(PY) -m pytest -n 2 --dist loadgroup

bench: $(VENV)/.runtime
	PYTHONPATH=. $(PY) benchmarks/bench_core.py
	PYTHONPATH=. $(PY) benchmarks/bench_train.py

load: $(VENV)/.dev
	$(PY) benchmarks/load_test.py --sessions 8

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
