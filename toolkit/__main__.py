"""The `revmentor` console script and `python -m toolkit`: stop signals first, then the CLI.

Why here: SIGTERM, SIGHUP and Ctrl-C must end the command with one line and no temporary
folder at any moment, including while click and the CLI are still being imported.
"""

from __future__ import annotations

import os
import sys

from .errors import unexpected
from .files import signals


def main() -> None:
    """Run the CLI with stop signals turned into a clean exit (128 + the signal), and any error that
    is not the toolkit's own into one line (exit 70); CLI tests call the CLI directly, so such a
    bug still fails them with its traceback."""
    signals.install()
    try:
        from .cli import main as run_cli

        run_cli()
    except KeyboardInterrupt as stop:
        sys.stderr.write(signals.stopped_line(stop) + "\n")
        sys.exit(signals.exit_code(stop))
    except Exception as error:  # a bug: one line, not a traceback, unless asked for
        came = signals.stop_that_came()
        if came is not None:
            sys.stderr.write(signals.stopped_line(came) + "\n")
            sys.exit(signals.exit_code(came))
        if os.environ.get("REVMENTOR_TRACEBACK"):
            raise
        sys.stderr.write(unexpected(error) + "\n")
        sys.exit(70)
    finally:
        signals.quiet()


if __name__ == "__main__":
    main()
