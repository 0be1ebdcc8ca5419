"""Stop scene code that runs too long, naming the line it was running."""

from __future__ import annotations

import signal
import sys
import threading
import time

from ..errors import SceneError, from_exception


class _Timeout(BaseException):
    """Raised inside a scene that takes too long to load (a BaseException: scenes can't eat it)."""


class Deadline:
    """Stop the code in the ``with`` block after ``seconds``: a SceneError with ``message``.

    The error names the innermost line of scene code that was running. In a main thread a
    SIGALRM timer does it (it also stops loops inside C calls such as time.sleep); elsewhere
    (Dask runs tasks in threads) a trace function checks the clock on every line of Python,
    which catches the endless loops scenes actually have.
    """

    def __init__(self, seconds: float, message: str, fallback_file: str | None = None) -> None:
        self.seconds = seconds
        self.message = message
        self.fallback_file = fallback_file
        self.use_signal = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )

    def __enter__(self):
        if self.use_signal:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        else:
            self.deadline = time.monotonic() + self.seconds
            self.previous = sys.gettrace()
            sys.settrace(self._trace)
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if self.use_signal:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        else:
            sys.settrace(self.previous)
        if isinstance(exc, _Timeout):
            where = from_exception(exc, self.fallback_file)
            raise SceneError(self.message, where.filename, where.lineno, where.frames) from None

    @staticmethod
    def _fire(signum, frame):
        raise _Timeout()

    def _trace(self, frame, event, arg):
        if time.monotonic() > self.deadline:
            raise _Timeout()
        return self._trace
