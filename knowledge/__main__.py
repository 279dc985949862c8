"""Staff commands: `python -m knowledge check` and `python -m knowledge unanswered`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from knowledge import KNOWLEDGE_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate FAQ, plans, lexicon and municipality files")
    check.add_argument("--dir", type=Path, default=KNOWLEDGE_DIR)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    args = parser.parse_args(argv)
    if args.command == "check":
        from knowledge.check import main as check_main

        return check_main(args.dir, strict=args.strict)
    return 2


if __name__ == "__main__":
    sys.exit(main())
