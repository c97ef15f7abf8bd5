#!/usr/bin/env python3
"""Fails when run-eval's scores fall below the floor kept in eval-floor.toml.

    check-eval-floor.py REPORT eval-floor.toml [TABLE]

TABLE names a table of eval-floor.toml (`library` for the case library); without it the
top-level keys (the dev set) are used."""
import re
import sys
import tomllib

report, floor_path = sys.argv[1], sys.argv[2]
text = open(report, encoding="utf-8").read()
floor = tomllib.load(open(floor_path, "rb"))
if len(sys.argv) > 3:
    floor = floor[sys.argv[3]]
labels = {"code_at_1": r"code@1", "cause_at_3": r"cause@3", "off_domain_quiet": r"off-domain quiet"}
failed = False
for key, label in labels.items():
    if key not in floor:
        continue
    match = re.search(rf"^{re.escape(label)} ([0-9.]+)%", text, re.M)
    if not match:
        print(f"eval floor: no `{label}` line in the report")
        failed = True
        continue
    score = float(match.group(1))
    status = "ok" if score >= floor[key] else "BELOW FLOOR"
    print(f"eval floor: {label} {score:.1f}% (floor {floor[key]:.1f}%) {status}")
    failed |= score < floor[key]
sys.exit(1 if failed else 0)
