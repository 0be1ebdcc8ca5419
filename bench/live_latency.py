"""Measure live-reload latency of the real window (offscreen): save -> pixels on screen.

    python bench/live_latency.py [--saves 20] [--workers N]
    python bench/live_latency.py --alternate A.py B.py [--saves 20] [--workers N]

By default it opens a copy of scenes/twoballs.py (960x540) in the Puray Live window, then
saves it 20 times (each save writes a temp file and ``os.replace``-s it over the scene, as
most editors do, with another colour for the blue ball). With ``--alternate`` it opens a new
scene file in A's folder (so that A's data files and modules are found) and saves A's and B's
texts into it in turn, B first. It reports the median time from the save to the first new
pixels painted and to the full frame painted (the file event and the load included), how
the workers made the frames (traced, re-lit, re-shaded: tracer/kernel/rerender.py), and as
its last line ``first_pixels_ms=<median> full_frame_ms=<median>``.
Bar on a 2-core machine: first pixels within 150 ms, full frame within 400 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: How often a wait checks whether the save it waits for is painted (only paces the saves).
CHECK_MS = 5


def _scene_text(i: int) -> str:
    text = (ROOT / "scenes" / "twoballs.py").read_text()
    return text.replace('"#0000FF"', f'"#{(i * 37) % 256:02X}{(i * 91) % 256:02X}FF"')


class Probe:
    """Record when the viewport paints a new job's first pixels and its full frame."""

    def __init__(self, live) -> None:
        self.live, self.job, self.saved_at = live, None, 0.0
        self.first: float | None = None
        self.full: float | None = None
        live.session.render_started.connect(self._on_render_started)
        live.preview.viewport.painted.connect(self._on_painted)

    def arm(self) -> None:
        self.job, self.first, self.full = None, None, None
        self.saved_at = time.perf_counter()

    def _on_render_started(self, job: int) -> None:
        self.job = job

    def _on_painted(self) -> None:
        session, now = self.live.session, time.perf_counter()
        if self.job is None or session.job != self.job:
            return
        if self.first is None and session.frame.has_pixels:
            self.first = now - self.saved_at
        if self.full is None and session.frame.complete and not session.running:
            self.full = now - self.saved_at


def _wait(app, predicate, timeout: float) -> bool:
    """Run the window's event loop until ``predicate()`` holds (checked every CHECK_MS).

    A real event loop, idle between events as the app's own: a loop of processEvents calls
    spins (measured: ~0.5 s of CPU a second on the GUI thread), which took a core from the
    workers on a 2-core machine. The times come from the probe's own stamps, not from here.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    if predicate():
        return True
    loop = QEventLoop()
    check = QTimer(interval=CHECK_MS)
    check.timeout.connect(lambda: predicate() and loop.quit())
    deadline = QTimer(singleShot=True, interval=round(timeout * 1000))
    deadline.timeout.connect(loop.quit)
    check.start()
    deadline.start()
    loop.exec()
    check.stop()
    deadline.stop()
    return predicate()


def _save(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text)
    os.replace(tmp, path)


def run(
    saves: int, workers: int, texts=None, folder: str | None = None, refine: int = 64
) -> tuple[list[float], list[float], list[str]]:
    """Return per save the seconds to first pixels and to the full frame, and the paths.

    ``texts``: the scene texts to save in turn (the first is opened; None: twoballs with
    another blue each save); ``folder``: where the scene file goes (None: a temp folder).
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from puray_gui.options import RenderOptions
    from puray_gui.prefs import Prefs
    from puray_gui.qt.qt_app import LiveApp

    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        prefs = Prefs(QSettings(os.path.join(tmp, "prefs.ini"), QSettings.Format.IniFormat))
        live = LiveApp(prefs, options=RenderOptions(workers=workers, refine=refine))
        live.window.resize(1400, 900)
        live.window.show()
        live.link.service.wait_ready()
        text = _scene_text if texts is None else lambda i: texts[i % len(texts)]
        scene = Path(folder or tmp) / (f".live_latency_{os.getpid()}.py" if folder else "s.py")
        scene.write_text(text(0))
        probe = Probe(live)
        firsts, fulls, paths = [], [], []
        try:
            probe.arm()
            live.open(str(scene))
            for i in range(1, saves + 3):  # two warm-up saves first
                _wait(app, lambda: probe.full is not None, 120)
                _wait(app, lambda: False, 0.25)  # let the machine settle between saves
                probe.arm()
                _save(scene, text(i))
                if not _wait(app, lambda: probe.full is not None, 120):
                    raise RuntimeError(f"save {i}: no full frame within 120 s")
                if i > 2:
                    firsts.append(probe.first)
                    fulls.append(probe.full)
                    paths.append(live.session.path)
        finally:
            live.close()
            if folder:
                scene.unlink(missing_ok=True)
    return firsts, fulls, paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--workers", type=int, default=0, help="default: one per core")
    parser.add_argument(
        "--alternate", nargs=2, metavar=("A.py", "B.py"), help="save these two texts in turn"
    )
    parser.add_argument(
        "--refine", type=int, default=64, help="samples per pixel the window refines to"
    )
    args = parser.parse_args(argv)
    from puray_gui.document import DEBOUNCE_MS

    texts, folder, what = None, None, "saves of a 960x540 twoballs scene"
    if args.alternate:
        a, b = (Path(p).resolve() for p in args.alternate)
        texts, folder, what = (
            [a.read_text(), b.read_text()],
            str(a.parent),
            f"saves {a.name}/{b.name}",
        )
    firsts, fulls, paths = run(args.saves, args.workers, texts, folder, args.refine)
    ms = [1000 * t for t in firsts], [1000 * t for t in fulls]
    made = ", ".join(f"{p or 'traced'} {paths.count(p)}" for p in sorted(set(paths)))
    print(f"{len(firsts)} {what}; debounce {DEBOUNCE_MS} ms unless a save completes; {made}")
    for name, values, bar in (("first new pixels", ms[0], 150), ("full frame", ms[1], 400)):
        print(
            f"save -> {name:17s} median {statistics.median(values):6.1f} ms"
            f"  (min {min(values):.1f}, max {max(values):.1f}; bar {bar} ms)"
        )
    first, full = statistics.median(ms[0]), statistics.median(ms[1])
    print(f"first_pixels_ms={first:.1f} full_frame_ms={full:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
