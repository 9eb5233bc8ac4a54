"""Summarise locust's `--csv` statistics: a per-page table, then one JSON line (loadtest/run.sh prints it).

Usage: python loadtest/summary.py STATS_CSV [--users N --duration 2m --workers W --participants P
                                            --load-before "a b c" --load-after "a b c"
                                            --app-cpu SECONDS --db-cpu SECONDS
                                            --target-p95-ms MS --in-flight-errors N --extra JSON]

The topology mode (loadtest/topology.sh) passes its own target (p95 ≤ 200 ms), the failed requests that
were in flight on the web node it stopped (`--in-flight-errors`: not counted against the target), and
its own figures as a JSON object (`--extra`: the stopped node's window, the replica's reads), added to
the line.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

# The target of issue 7 on the 2-core development machine.
TARGET_P95_MS = 500


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:  # locust writes "N/A" where it has no figure
        return None


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def summarise(
    rows: list[dict[str, str]], *, target_p95_ms: float = TARGET_P95_MS, in_flight_errors: int = 0
) -> dict[str, object]:
    total = next(row for row in rows if row["Name"] == "Aggregated")
    failures = int(total["Failure Count"])
    p95 = _number(total["95%"])
    pages = sorted((row for row in rows if row is not total), key=lambda row: _number(row["95%"]) or 0, reverse=True)
    return {
        "requests": int(total["Request Count"]),
        "errors": failures,
        "rps": round(_number(total["Requests/s"]) or 0.0, 1),
        "p50_ms": _number(total["50%"]),
        "p95_ms": p95,
        "p99_ms": _number(total["99%"]),
        "max_ms": _number(total["Max Response Time"]),
        "target_met": failures - in_flight_errors == 0 and p95 is not None and p95 <= target_p95_ms,
        "slowest_p95_ms": {row["Name"]: _number(row["95%"]) for row in pages[:3]},
    }


def table(rows: list[dict[str, str]]) -> str:
    lines = [f"{'page':58} {'reqs':>6} {'fails':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7}"]
    for row in rows:
        name = row["Name"] if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        lines.append(
            f"{name[:58]:58} {row['Request Count']:>6} {row['Failure Count']:>5} {row['50%']:>6} "
            f"{row['95%']:>6} {row['99%']:>6} {float(row['Max Response Time']):>7.0f}"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("stats_csv", type=Path)
    parser.add_argument("--users", type=int)
    parser.add_argument("--duration")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--participants", type=int)
    parser.add_argument("--load-before")
    parser.add_argument("--load-after")
    parser.add_argument("--app-cpu", type=float, help="CPU seconds gunicorn used during the run")
    parser.add_argument("--db-cpu", type=float, help="CPU seconds PostgreSQL used during the run")
    parser.add_argument("--target-p95-ms", type=float, default=TARGET_P95_MS)
    parser.add_argument("--in-flight-errors", type=int, default=0)
    parser.add_argument("--extra", type=json.loads, default={}, help="a JSON object added to the line")
    args = parser.parse_args(argv)
    rows = read_rows(args.stats_csv)
    print(table(rows), file=sys.stderr)
    figures = summarise(rows, target_p95_ms=args.target_p95_ms, in_flight_errors=args.in_flight_errors)
    requests = int(figures["requests"]) or 1  # type: ignore[call-overload]  # a count
    cpu = {
        "app_cpu_s": args.app_cpu,
        "db_cpu_s": args.db_cpu,
        "app_cpu_ms_per_request": round(1000 * args.app_cpu / requests, 1) if args.app_cpu is not None else None,
        "db_cpu_ms_per_request": round(1000 * args.db_cpu / requests, 1) if args.db_cpu is not None else None,
    }
    run = {
        **cpu,
        "users": args.users,
        "duration": args.duration,
        "gunicorn_workers": args.workers,
        "participants": args.participants,
        "load_before": args.load_before,
        "load_after": args.load_after,
    }
    print(json.dumps({**figures, **{key: value for key, value in run.items() if value is not None}, **args.extra}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
