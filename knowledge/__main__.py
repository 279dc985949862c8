"""Staff commands: `python -m knowledge check`, `unanswered`, `export-beir` and `import`."""

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
    unanswered = sub.add_parser(
        "unanswered", help="questions residents asked that the bot could not answer"
    )
    unanswered.add_argument("--db", type=Path, default=Path("var/app.sqlite3"))
    unanswered.add_argument("--format", choices=("md", "csv"), default="md")
    export = sub.add_parser("export-beir", help="write the knowledge as a BEIR corpus.jsonl")
    export.add_argument("--dir", type=Path, default=KNOWLEDGE_DIR)
    export.add_argument("--out", type=Path, required=True)
    importer = sub.add_parser(
        "import", help="turn an FAQ spreadsheet (CSV or .xlsx) into knowledge/faq/imported_*.yml"
    )
    importer.add_argument("file", type=Path, help="the spreadsheet: .csv, .tsv or .xlsx")
    importer.add_argument("--mapping", type=Path, help="YAML naming unusual column headers")
    importer.add_argument("--out", type=Path, help="default: <dir>/faq/imported_<name>.yml")
    importer.add_argument("--update", action="store_true", help="replace an existing file")
    importer.add_argument("--dir", type=Path, default=KNOWLEDGE_DIR)
    args = parser.parse_args(argv)
    if args.command == "import":
        from knowledge.importer.command import run_import

        return run_import(
            args.file,
            knowledge_dir=args.dir,
            out=args.out,
            mapping_file=args.mapping,
            update=args.update,
        )
    if args.command == "export-beir":
        from knowledge.beir_export import write_corpus

        print(write_corpus(args.dir, args.out))
        return 0
    if args.command == "unanswered":
        from knowledge.unanswered import UnansweredLog, to_csv, to_markdown

        if not args.db.is_file():
            print(f"no database at {args.db} (nothing recorded yet)", file=sys.stderr)
            return 1
        rows = UnansweredLog(args.db).rows()
        print(to_markdown(rows) if args.format == "md" else to_csv(rows), end="")
        return 0
    if args.command == "check":
        from knowledge.check import main as check_main

        return check_main(args.dir, strict=args.strict)
    return 2


if __name__ == "__main__":
    sys.exit(main())
