"""A text progress bar for the command line (stderr)."""

from __future__ import annotations

import time


class Progress:
    """Show rows done, percent and elapsed time; redraw only when the text changes.

    On a terminal one line is redrawn in place; elsewhere (logs, pipes) a line is printed
    at every quarter of the frame.
    """

    interval = 0.1  # seconds between redraws on a terminal

    def __init__(self, stream, label: str, enabled: bool = True, width: int = 24) -> None:
        self.stream, self.label, self.enabled, self.width = stream, label, enabled, width
        self.tty = enabled and stream.isatty()
        self.start = time.perf_counter()
        self._last = ""
        self._drawn = False
        self._drawn_at = -1.0

    def update(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.start
        if total == 0:
            text = f"{self.label}: loading {elapsed:.1f} s" if self.tty else ""
        elif self.tty:
            filled = self.width * done // total
            bar = "#" * filled + "." * (self.width - filled)
            pct = 100 * done // total
            text = f"{self.label} [{bar}] {pct:3d}% {done}/{total} rows {elapsed:.1f} s"
        else:
            text = f"{self.label}: {25 * (4 * done // total):3d}% of {total} rows"
        if self.tty and done < total and elapsed - self._drawn_at < self.interval:
            return  # at most ~10 redraws a second; the last one always shows
        self._draw(text, elapsed)

    def update_frames(self, done: float, total: int) -> None:
        """Show frames finished of ``total`` and an ETA; ``done`` may count partial frames."""
        if not self.enabled or total <= 0:
            return
        elapsed = time.perf_counter() - self.start
        whole = min(total, int(done))
        eta = f", ETA {elapsed * (total - done) / done:.0f} s" if 0 < done < total else ""
        if self.tty:
            filled = int(self.width * done / total)
            bar = "#" * filled + "." * (self.width - filled)
            text = f"{self.label} [{bar}] {whole}/{total} frames {elapsed:.1f} s{eta}"
            if whole < total and elapsed - self._drawn_at < self.interval:
                return
        else:
            text = f"{self.label}: {25 * (4 * whole // total):3d}% of {total} frames"
        self._draw(text, elapsed, eta)

    def _draw(self, text: str, elapsed: float, eta: str = "") -> None:
        """Redraw the line on a terminal, or print a new one elsewhere, if the text changed."""
        if text and text != self._last:
            self._last, self._drawn_at = text, elapsed
            if self.tty:
                self.stream.write(f"\r{text}\x1b[K")
                self._drawn = True
            else:
                self.stream.write(f"{text} {elapsed:.1f} s{eta}\n")
            self.stream.flush()

    def close(self) -> None:
        """End the redrawn line, so that whatever is printed next starts on its own."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
