"""Make the .docx document templates again (python-docx), byte for byte.

    python ops/make_docx_templates.py           # write workflows/templates/<workflow>/<kind>.docx
    python ops/make_docx_templates.py --check   # exit 1 if a committed template differs

Each kind of each ``workflows/templates/<workflow>/documents.yaml`` gets the base template of
its layout (``letter`` or ``form``) built by ``rongcuo.adapters.documents.docx_base``: GB/T
9704-2012 page, grid and styles, East Asian fonts on the styles.  Edit the layout there, run
this, and commit the templates with the change.  An operator's own template for one unit goes
to ``$RONGCUO_HOME/templates/<unit>/<workflow>/<kind>.docx`` instead (docs/documents.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rongcuo.adapters.documents.docx_base import shipped_templates
from rongcuo.adapters.documents.templates import shipped_templates_root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    parser.add_argument("--root", type=Path, default=None,
                        help="templates root (default: the shipped workflows/templates)")
    args = parser.parse_args(argv)
    root = args.root or shipped_templates_root()
    stale = []
    for path, data in shipped_templates(root).items():
        if path.is_file() and path.read_bytes() == data:
            continue
        stale.append(path)
        if not args.check:
            path.write_bytes(data)
    for path in stale:
        print(("differs: " if args.check else "wrote: ") + str(path.relative_to(root)))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
