#!/usr/bin/python3
"""Writes HTML handouts of executed notebooks with their pictures.

    /usr/bin/python3 scripts/handouts.py OUTDIR NOTEBOOK.ipynb...

Debian's nbconvert 6.5 passes an image/svg+xml output through its HTML
cleaner, which keeps the SVG's text and drops its shapes: a GIL timeline
became a list of labels. Each SVG output here also gets a text/html
representation, an <img> whose source is the SVG as a data URI, which the
HTML exporter prefers and keeps; the notebook files are not changed.
"""

import base64
import copy
import json
import os
import subprocess
import sys


def text(v):
    """nbformat stores multi-line strings as lists of lines."""
    return "".join(v) if isinstance(v, list) else v


def with_svg_images(nb):
    """A copy of nb in which every output with image/svg+xml and no
    text/html carries an <img> of the SVG as text/html."""
    nb = copy.deepcopy(nb)
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not data or "image/svg+xml" not in data or "text/html" in data:
                continue
            svg = text(data["image/svg+xml"]).encode("utf-8")
            uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
            data["text/html"] = '<img src="%s" alt="%s">' % (uri, "figure")
    return nb


def convert(path, outdir):
    """Writes OUTDIR/NAME.html for the notebook at path; returns its path."""
    with open(path) as f:
        nb = json.load(f)
    name = os.path.splitext(os.path.basename(path))[0]
    os.makedirs(outdir, exist_ok=True)
    tmp = os.path.join(outdir, "." + name + ".handout.ipynb")
    with open(tmp, "w") as f:
        json.dump(with_svg_images(nb), f)
    try:
        subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", "--log-level", "WARN",
                        "--output-dir", outdir, "--output", name, tmp], check=True)
    finally:
        os.remove(tmp)
    return os.path.join(outdir, name + ".html")


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    for path in argv[2:]:
        print("handouts:", convert(path, argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
