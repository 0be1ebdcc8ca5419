"""bench/peers.py's tables: per-round lines, medians, Puray / peer ratios, the key line.

Every ratio is Puray's time over the peer's in the same round (the tools of a case run
interleaved, A B C A B C, so a busy machine slows them alike), then the median over rounds.
Which Puray run a peer is set against: warm renders and POV-Ray's trace time against
Puray's 2 warm workers, whole commands against ``puray render``, Embree's cast against
Puray's cast, 1 warm worker against 2 (the issue's scaling goal).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from peer_tools import Sample

OURS = {
    "puray 1 warm": "puray 2 warm",
    "povray trace": "puray 2 warm",
    "povray command": "puray command",
    "mitsuba llvm warm": "puray 2 warm",
    "mitsuba scalar warm": "puray 2 warm",
    "mitsuba llvm command": "puray command",
    "embree cast": "puray cast",
}


def series(samples: dict[str, list[Sample]]) -> dict[str, list[tuple[float, float]]]:
    """Return (wall, cpu) per round of every row; POV-Ray's runs give a trace and a command row."""
    rows: dict[str, list[tuple[float, float]]] = {}
    for label, runs in samples.items():
        if label == "povray":
            if all(s.trace is not None and s.trace_cpu is not None for s in runs):
                rows["povray trace"] = [(s.trace, s.trace_cpu) for s in runs]  # type: ignore[misc]
            rows["povray command"] = [(s.wall, s.cpu) for s in runs]
        else:
            rows[label] = [(s.wall, s.cpu) for s in runs]
    return rows


def ratios(rows: dict[str, list[tuple[float, float]]], label: str) -> tuple[float, float] | None:
    """Return the medians of the per-round (wall, cpu) ratios ours / ``label``, or None."""
    ours = rows.get(OURS.get(label, ""))
    peer = rows.get(label)
    if not ours or not peer:
        return None
    pairs = list(zip(ours, peer, strict=True))
    wall = statistics.median(a[0] / b[0] for a, b in pairs)
    cpu = statistics.median(a[1] / b[1] if b[1] else float("inf") for a, b in pairs)
    return wall, cpu


def round_line(case: str, index: int, samples: dict[str, Sample]) -> str:
    """Return one round of a case: wall/cpu seconds of every tool."""
    parts = []
    for label, s in samples.items():
        text = f"{label} {s.wall:.3f}/{s.cpu:.3f}"
        if s.trace is not None:
            text += f" (trace {s.trace:.3f}/{s.trace_cpu:.3f})"
        parts.append(text)
    return f"  round {index} {case}: " + ", ".join(parts) + "  (wall/cpu s)"


def table(case: str, pixels: int, rows: dict[str, list[tuple[float, float]]]) -> list[str]:
    """Return the median lines of one case."""
    lines = [f"{case} ({pixels / 1e6:.3f} Mpix): median of {len(next(iter(rows.values())))}"]
    lines.append(f"  {'tool':<22}{'wall s':>9}{'cpu s':>9}{'Mpix/s':>9}   Puray/tool wall, cpu")
    for label, runs in rows.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        ratio = ratios(rows, label)
        versus = f"   {ratio[0]:6.2f}x {ratio[1]:6.2f}x  ({OURS[label]})" if ratio else ""
        lines.append(f"  {label:<22}{wall:9.3f}{cpu:9.3f}{pixels / 1e6 / wall:9.2f}{versus}")
    return lines


def span(values: Sequence[float]) -> str:
    """Return a range of ratios as the issue writes them: 2.20-4.10x (or one value)."""
    if not values:
        return "-"
    lo, hi = min(values), max(values)
    return f"{lo:.2f}x" if len(values) == 1 else f"{lo:.2f}-{hi:.2f}x"


def key_line(results: dict[str, dict], meshes: Sequence[str], absent: dict[str, str]) -> str:
    """Return the last line: the three ratios the issue's goals are about (over the meshes).

    Wall and CPU: on a machine shared with other work the CPU ratio is the steadier one.
    """
    pairs = [
        ("mesh render-only / POV-Ray trace", "", "povray trace", "povray"),
        ("mesh with shadows / Mitsuba LLVM", "+shadows", "mitsuba llvm warm", "mitsuba"),
        ("primary rays / Embree", " primary", "embree cast", "embree"),
    ]
    parts = []
    for title, suffix, label, peer in pairs:
        found = [ratios(results[m + suffix], label) for m in meshes if m + suffix in results]
        pairs_found = [r for r in found if r is not None]
        if pairs_found:
            walls, cpus = zip(*pairs_found, strict=True)
            parts.append(f"{title} {span(walls)} (cpu {span(cpus)})")
        else:
            parts.append(f"{title} - ({absent.get(peer, 'no result')})")
    return "key ratios, Puray/peer wall (cpu): " + "; ".join(parts)


def goals_line(results: dict[str, dict], big: str, model: str) -> str:
    """Return the issue's other measured goals: 2 workers / 1, whole command / twoballs."""
    parts = []
    scaling = ratios(results.get(big, {}), "puray 1 warm")
    if scaling:
        parts.append(f"{big}: 2 warm workers / 1 {scaling[0]:.2f}x (goal <= 0.7)")
    shadowed = results.get(f"{model}+shadows", {}).get("puray command")
    base = results.get("twoballs+shadows", {}).get("puray command")
    if shadowed and base:
        each = statistics.median(a[0] / b[0] for a, b in zip(shadowed, base, strict=True))
        parts.append(f"puray render {model}+shadows / twoballs+shadows {each:.2f}x (goal <= 3)")
    return "goals: " + ("; ".join(parts) if parts else "-")
