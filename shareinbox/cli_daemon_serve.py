"""The long-running ``shareinbox daemon``: the socket server and the workers.

`serve(args, workers)` is what the ``daemon`` command runs without
``--once``; `workers` builds the sync workers once the store is open.
``python -m shareinbox.cli_daemon_serve --config PATH`` runs it directly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from shareinbox.config import load_config
from shareinbox.daemon.runtime import WorkerFactory, run_daemon
from shareinbox.errors import ShareinboxError


def serve(args: argparse.Namespace, workers: WorkerFactory | None = None) -> int:
    """Run the daemon for ``args.config`` until SIGTERM/SIGINT.

    Args:
        args: the parsed command line (``config``).
        workers: builds the sync and outbox workers from the open store and
            the server's `notify` (see `shareinbox.daemon.runtime`).
    """
    config = load_config(args.config)
    return run_daemon(config, workers=workers)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``--config`` and serve; errors go to stderr with exit code 1."""
    parser = argparse.ArgumentParser(prog="shareinbox daemon")
    parser.add_argument("--config")
    args = parser.parse_args(argv)
    try:
        return serve(args)
    except ShareinboxError as e:
        print(f"shareinbox: {e.message}", file=sys.stderr)
        return e.exit_code


if __name__ == "__main__":
    sys.exit(main())
