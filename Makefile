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

# The browser tests mostly wait on a page while the rest of the suite keeps a core busy, so the two run side by
# side; the rest's output is shown once it is done, and either failing fails the target.
test: lint
	mkdir -p tests/artifacts
	$(PY) -m pytest --ignore=tests/browser > tests/artifacts/suite-without-browser.log 2>&1 & rest=$$!; \
	$(PY) -m pytest tests/browser; browser=$$?; \
	wait $$rest; status=$$?; cat tests/artifacts/suite-without-browser.log; \
	exit $$(( status || browser ))

bench: $(VENV)/.runtime
	PYTHONPATH=. $(PY) benchmarks/bench_core.py
	PYTHONPATH=. $(PY) benchmarks/bench_train.py

load: $(VENV)/.dev
	$(PY) benchmarks/load_test.py --sessions 8

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
