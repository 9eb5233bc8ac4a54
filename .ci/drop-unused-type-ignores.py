"""Remove the `type: ignore` comments (or the codes in them) that mypy reports as unused.

A merge can bring back ignores that are no longer needed (mypy fails on them: warn_unused_ignores).
Usage: .venv/bin/mypy > /tmp/mypy.txt; .venv/bin/python .ci/drop-unused-type-ignores.py /tmp/mypy.txt
An ignore that is dropped whole takes its reason comment with it; then run `ruff format`.
"""

import re
import sys
from collections import defaultdict
from pathlib import Path

UNUSED = re.compile(r'^([^:]+):(\d+): error: Unused "type: ignore(\[[^\]]*\])?" comment')
IGNORE = re.compile(r"\s*# type: ignore\[([^\]]*)\](\s*#.*)?$")


def main(report: str) -> int:
    hits: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for line in Path(report).read_text().splitlines():
        if match := UNUSED.match(line):
            hits[match.group(1)].append((int(match.group(2)), match.group(3)))
    for path, items in hits.items():
        lines = Path(path).read_text().split("\n")
        for number, codes in items:
            text = lines[number - 1]
            match = IGNORE.search(text)
            if not match:
                print(f"{path}:{number}: left as it is (not a trailing ignore)")
                continue
            keep = []
            if codes is not None:
                unused = {code.strip() for code in codes[1:-1].split(",")}
                keep = [code.strip() for code in match.group(1).split(",") if code.strip() not in unused]
            kept = f"  # type: ignore[{', '.join(keep)}]{match.group(2) or ''}" if keep else ""
            lines[number - 1] = (text[: match.start()] + kept).rstrip()
        Path(path).write_text("\n".join(lines))
    print(f"{sum(len(items) for items in hits.values())} unused ignores dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
