"""`python3 -m stack run` serves everything; `python3 -m stack test` runs every test.

Both build what is missing first (environments, models, index) and skip what is current.
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from stack import VAR_DIR, environments, rasa_model, system_packages
from stack.progress import say
from stack.supervisor import DEFAULT_RASA_PROCESSES


def cmd_setup(_: argparse.Namespace) -> int:
    """Two independent chains side by side: the app environment and its artefacts (embedding
    model, its adaptation, the index) and the Rasa environment and model. Each of their long
    steps runs on one core, so on the 2-core machine they take the time of the longer chain
    instead of the sum (a fresh set-up spent ~20 min in them one after the other)."""
    system_packages.ensure_all()
    from stack import artefacts

    def app_chain() -> None:
        environments.ensure(environments.APP)
        artefacts.ensure_all()

    def rasa_chain() -> None:
        environments.ensure(environments.RASA)
        rasa_model.ensure_trained()

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="setup") as pool:
        chains = [pool.submit(app_chain), pool.submit(rasa_chain)]
        for chain in chains:
            chain.result()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from stack.supervisor import Ports, Supervisor, build_children

    if not args.no_setup:
        cmd_setup(args)
    ports = Ports(
        host=args.host, app=args.port, rasa=args.rasa_port, rasa_processes=args.rasa_processes
    )
    model = rasa_model.model_path()
    var_dir = Path(args.var_dir) if args.var_dir else VAR_DIR
    return Supervisor(build_children(model, ports, var_dir), ports).run()


def cmd_test(args: argparse.Namespace) -> int:
    from stack.browser import ensure_chromium
    from stack.test_suite import run_suite

    cmd_setup(args)
    ensure_chromium()
    return run_suite(pytest_args=args.pytest_args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m stack")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="create environments, models and index; train Rasa")
    run = sub.add_parser("run", help="serve the web chat on http://127.0.0.1:8000")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--rasa-port", type=int, default=5005)
    run.add_argument(
        "--rasa-processes",
        type=int,
        default=int(os.environ.get("RASA_PROCESSES", DEFAULT_RASA_PROCESSES)),
        help="Rasa processes, on consecutive ports from --rasa-port (env RASA_PROCESSES)",
    )
    run.add_argument("--var-dir", help="where databases and logs go (default: var/)")
    run.add_argument("--no-setup", action="store_true", help="skip the set-up checks")
    test = sub.add_parser("test", help="run the whole test suite")
    test.add_argument("pytest_args", nargs="*", help="extra arguments for pytest")
    args = parser.parse_args(argv)
    handlers = {"setup": cmd_setup, "run": cmd_run, "test": cmd_test}
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        say("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
