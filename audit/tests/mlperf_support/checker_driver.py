"""Runs the official MLPerf compliance checker (mlperf_logging) on many files in one process.

usage: python3 checker_driver.py RULESET FILE...

For each FILE, exactly what `python3 -m mlperf_logging.compliance_checker --usage training
--ruleset RULESET FILE` does (a fresh checker, the same log format, `FAILED`/`SUCCESS` last),
with its output captured: one JSON line {"file", "passed", "text"} per file on stdout. A
checker crash is reported as text holding "Traceback", as the command would print it.
"""

import contextlib
import io
import json
import logging
import os
import sys
import traceback

from mlperf_logging.compliance_checker import mlp_compliance


def check(ruleset, filename):
    buf = io.StringIO()
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    handler = logging.StreamHandler(buf)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    cwd = os.getcwd()
    os.chdir(os.path.dirname(os.path.abspath(filename)))
    passed = False
    try:
        with contextlib.redirect_stdout(buf):
            checker = mlp_compliance.make_checker("training", ruleset, False, False)
            valid, _, _, _ = mlp_compliance.main(
                os.path.abspath(filename), f"training_{ruleset}/common.yaml", checker
            )
            if valid:
                logging.info("SUCCESS")
            else:
                logging.error("FAILED")
            passed = bool(valid)
    except Exception:
        buf.write(traceback.format_exc())
    finally:
        os.chdir(cwd)
        root.removeHandler(handler)
    return {"file": filename, "passed": passed, "text": buf.getvalue()}


def main():
    ruleset, files = sys.argv[1], sys.argv[2:]
    for f in files:
        print(json.dumps(check(ruleset, f)), flush=True)


if __name__ == "__main__":
    main()
