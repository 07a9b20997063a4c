"""The long-running ``shareinbox daemon``: the socket server and the workers.

`serve(args)` is what the ``daemon`` command runs without ``--once``; the
sync workers are handed to `run_daemon` by the code that builds them.
``python -m shareinbox.cli_daemon_serve --config PATH`` runs it directly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from shareinbox.config import load_config
from shareinbox.daemon.runtime import Worker, run_daemon
from shareinbox.errors import ShareinboxError


def serve(args: argparse.Namespace, workers: Sequence[Worker] = ()) -> int:
    """Run the daemon for ``args.config`` until SIGTERM/SIGINT."""
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
