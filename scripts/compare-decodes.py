#!/usr/bin/env python3
"""Decode pastes with two errdecode binaries and report the documents that differ.

    scripts/compare-decodes.py OLD NEW [PASTE...]

Each paste is decoded with `decode --format json` by both binaries; `decoded_at` is dropped,
and the first fields that differ are printed for each paste whose documents are not equal.
Without pastes, the regression cases and the examples of this repository are used. Exits 1
when any document differs.
"""
import glob
import json
import os
import subprocess
import sys


def document(binary, path):
    run = subprocess.run([binary, "decode", "--format", "json", path], capture_output=True)
    try:
        doc = json.loads(run.stdout)
    except ValueError as error:
        return {"not JSON": str(error), "stderr": run.stderr.decode(errors="replace")[:500]}
    doc.pop("decoded_at", None)
    return doc


def differences(old, new, path, out):
    if type(old) is not type(new):
        out.append((path, old, new))
    elif isinstance(old, dict):
        for key in sorted(set(old) | set(new)):
            differences(old.get(key), new.get(key), f"{path}.{key}", out)
    elif isinstance(old, list):
        if len(old) != len(new):
            out.append((f"{path} (length)", len(old), len(new)))
        for index, (a, b) in enumerate(zip(old, new)):
            differences(a, b, f"{path}[{index}]", out)
    elif old != new:
        out.append((path, old, new))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip())
    old, new, pastes = sys.argv[1], sys.argv[2], sys.argv[3:]
    if not pastes:
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
        pastes = sorted(glob.glob(f"{root}/crates/errdecode-core/tests/cases/*/paste.txt"))
        pastes += sorted(glob.glob(f"{root}/examples/*.txt"))
    differing = 0
    for paste in pastes:
        a, b = document(old, paste), document(new, paste)
        if a == b:
            continue
        differing += 1
        found = []
        differences(a, b, "", found)
        print(f"{paste}: {len(found)} field(s) differ")
        for path, x, y in found[:6]:
            print(f"  {path}\n    old: {str(x)[:200]!r}\n    new: {str(y)[:200]!r}")
    print(f"{differing} of {len(pastes)} documents differ")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
