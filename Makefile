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
	$(VENV)/bin/streamlit run serve.py --server.port $(PORT)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/hadolint Dockerfile

# The browser tests mostly wait on a page while the rest of the suite keeps a core busy, so three runs go side by
# side: the suite without the browser tests, the browser test files named in BROWSER_B, and every other browser
# test file (a new one lands there by itself). Each writes its own log, shown when all are done; any failing
# fails the target. The suite's time is the longest run's: keep the two browser runs about even (each log ends
# with its slowest tests) by moving a file across when one grows.
BROWSER_B := tests/browser/test_browser_schedules.py tests/browser/test_browser_sweep_zoom.py \
	tests/browser/test_browser_train.py tests/browser/test_browser_views.py \
	tests/browser/test_browser_inside_lessons.py tests/browser/test_browser_formula_minibatch.py \
	tests/browser/test_browser_security.py tests/browser/test_browser_step_control.py
LOGS := tests/artifacts/suite

test: lint
	mkdir -p $(LOGS)
	$(PY) -m pytest --durations=10 --ignore=tests/browser > $(LOGS)/without-browser.log 2>&1 & rest=$$!; \
	$(PY) -m pytest --durations=40 $(BROWSER_B) > $(LOGS)/browser-b.log 2>&1 & b=$$!; \
	$(PY) -m pytest --durations=40 tests/browser $(addprefix --ignore=,$(BROWSER_B)) > $(LOGS)/browser-a.log 2>&1; a=$$?; \
	wait $$b; b=$$?; wait $$rest; rest=$$?; \
	for log in browser-a browser-b without-browser; do echo "== $$log"; cat $(LOGS)/$$log.log; done; \
	exit $$(( a || b || rest ))

bench: $(VENV)/.runtime
	PYTHONPATH=. $(PY) benchmarks/bench_core.py
	PYTHONPATH=. $(PY) benchmarks/bench_train.py

load: $(VENV)/.dev
	$(PY) benchmarks/load_test.py --sessions 8

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
