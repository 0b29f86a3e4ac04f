"""``streamlit run`` that writes down how long each run of the script took: the server's script time per rerun.

    python benchmarks/timed_streamlit.py LOG run serve.py [streamlit options]

Streamlit runs a page's script through ``exec_func_with_error_handling``, once per run (a rerun the script
asks for mid-way is a run of its own). This wraps that call and appends each run's seconds, one per line, to
LOG, then hands over to Streamlit's own command line. It is the real server (its script cache, its page
manager, its session state), so the time is what a person's move costs the server; AppTest, by contrast,
compiles the scripts and resets the page manager on every run. ``bench_app.py`` starts its servers with it.
"""

from __future__ import annotations

import sys
import time

from streamlit.runtime.scriptrunner import script_runner
from streamlit.web import cli


def main() -> None:
    log = sys.argv.pop(1)
    inner = script_runner.exec_func_with_error_handling

    def timed(func, ctx):
        t0 = time.perf_counter()
        try:
            return inner(func, ctx)
        finally:
            elapsed = time.perf_counter() - t0
            with open(log, "a") as f:
                f.write(f"{elapsed:.6f}\n")

    script_runner.exec_func_with_error_handling = timed
    sys.argv[0] = "streamlit"
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
