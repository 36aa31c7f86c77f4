"""A progress bar on stderr that works in a terminal and in a notebook:
one line redrawn with a carriage return, shown once a sweep has run for
half a second, at most five times a second."""

from __future__ import annotations

import sys
import time
import warnings


class Bar:
    def __init__(self, width: int = 30) -> None:
        self.width = width
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        elapsed = now - self.start
        if elapsed < 0.5 or (now - self.last < 0.2 and done < total):
            return
        self.last = now
        frac = done / total if total else 1.0
        fill = int(frac * self.width)
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = f"{(total - done) / rate:.0f} s" if rate > 0 else "?"
        line = (
            f"\r[{'=' * fill}{'>' if fill < self.width else ''}{' ' * max(self.width - fill - 1, 0)}] "
            f"{done:,}/{total:,} points ({rate:,.0f}/s, eta {eta})"
        )
        sys.stderr.write(line)
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def notice(line: str) -> None:
    """The library's one-line notices on stderr; its warnings (a config
    that is legal but probably not meant) as Python warnings."""
    if line.startswith("warning: "):
        warnings.warn(line[len("warning: "):], UserWarning, stacklevel=4)
        return
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def warnings_only(line: str) -> None:
    """With progress=False: warnings still reach the user, notices do not."""
    if line.startswith("warning: "):
        notice(line)
