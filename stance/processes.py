"""Worker processes that never outlive the command that started them.

* :func:`exit_on_sigterm` (installed by the CLI) turns SIGTERM into ``SystemExit``,
  so ``finally`` blocks run: worker pools are terminated, temporary files removed.
* :func:`prepare_worker` runs first in every worker process (``multiprocessing``
  pools and joblib's loky workers): the worker exits by itself within a second
  of its parent's death (even a ``kill -9``), dies quietly on a broken pipe
  instead of printing a traceback, and leaves Ctrl-C to its parent.
"""

from __future__ import annotations

import os
import signal
import threading
import time

PARENT_CHECK_SECONDS = 0.5


def exit_on_sigterm() -> None:
    """Make SIGTERM unwind the main thread like Ctrl-C does (exit status 143)."""

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def prepare_worker() -> None:
    """Set up a worker process (see the module's docstring)."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()
    threading.Thread(target=_exit_when_orphaned, args=(parent,), name="stance-parent-watch", daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)
