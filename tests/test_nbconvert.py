#!/usr/bin/python3
"""Runs a small notebook through `jupyter nbconvert --execute` on gilgo.

Run with /usr/bin/python3 and JUPYTER_PATH pointing at a data directory that
holds the gilgo kernelspec (`make test` does this with a temporary prefix).
Exits non-zero when nbconvert fails or the outputs are not the expected ones.
"""

import base64
import json
import os
import re
import subprocess
import sys
import tempfile

from kernelkit import KERNEL_NAME

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
import handouts  # noqa: E402

CELLS = [
    ('import "fmt"\nfmt.Println("hello, world")', "stream", "hello, world\n"),
    ("x := 20", None, None),
    ("x*2 + 2", "execute_result", "42"),
    ('import "display"\ndisplay.SVG(`<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">'
     '<rect x="0" y="0" width="20" height="10" fill="#2e7d32"/></svg>`)', "svg", None),
]


def text(v):
    """nbformat stores multi-line strings as lists of lines."""
    return "".join(v) if isinstance(v, list) else v


def notebook():
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": KERNEL_NAME, "display_name": "Go (gilgo)", "language": "go"}},
        "cells": [
            {"cell_type": "code", "id": "c%d" % i, "metadata": {}, "execution_count": None,
             "outputs": [], "source": src}
            for i, (src, _, _) in enumerate(CELLS)
        ],
    }


def main():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "hello.ipynb")
        with open(path, "w") as f:
            json.dump(notebook(), f)
        cmd = [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--stdout",
               "--ExecutePreprocessor.kernel_name=" + KERNEL_NAME,
               "--ExecutePreprocessor.timeout=120", "--allow-errors", path]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            print("\n".join(proc.stderr.splitlines()[-20:]))
            print("test_nbconvert: FAIL (nbconvert exit status %d)" % proc.returncode)
            return 1
        nb = json.loads(proc.stdout)
        executed = os.path.join(tmp, "executed.ipynb")
        with open(executed, "w") as f:
            json.dump(nb, f)
        html = open(handouts.convert(executed, os.path.join(tmp, "html"))).read()
    failures = []
    # The handout keeps the SVG's shapes (nbconvert's cleaner alone keeps
    # only its text).
    imgs = re.findall(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    if not any("<rect" in base64.b64decode(i).decode() for i in imgs):
        failures.append("handout: no SVG picture with its rect (%d SVG images)" % len(imgs))
    for cell, (src, kind, want) in zip(nb["cells"], CELLS):
        outputs = cell.get("outputs", [])
        if any(o["output_type"] == "error" for o in outputs):
            failures.append("%r: error output %s" % (src, outputs))
            continue
        if kind == "stream":
            got = "".join(text(o["text"]) for o in outputs if o["output_type"] == "stream")
        elif kind == "execute_result":
            got = next((text(o["data"].get("text/plain")) for o in outputs
                        if o["output_type"] == "execute_result"), None)
        else:
            continue
        if got != want:
            failures.append("%r: got %r, want %r" % (src, got, want))
    for f in failures:
        print("  FAIL", f)
    print("test_nbconvert: %d cells, %s" % (len(CELLS), "FAIL" if failures else "PASS"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
