"""Adds up the requests test_schemathesis.py sends (from every xdist worker) and prints the
total at the end of the run."""

from __future__ import annotations

_totals = {"requests": 0, "tests": 0}


def pytest_runtest_logreport(report):
    if report.when != "teardown":
        return
    for name, value in report.user_properties:
        if name == "schemathesis_requests":
            _totals["requests"] += value
            _totals["tests"] += 1


def pytest_terminal_summary(terminalreporter):
    if _totals["tests"]:
        terminalreporter.write_line(
            f"schemathesis: {_totals['requests']} requests in {_totals['tests']} tests"
        )
