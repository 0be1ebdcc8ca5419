"""Puray beside POV-Ray 3.7, Mitsuba 3 and Embree 4 on the same scenes (issue 18's comparison).

    python bench/peers.py [--rounds N] [--width W --height H] [--scenes twoballs,blob69k]
                          [--without povray,mitsuba,embree] [--out DIR] [--quick]

The peers are not needed for Puray's tests (they are big); to compare with them:

    pip install -e .[peers]          # mitsuba (3.x) and embreex (Embree 4)
    apt-get install -y povray        # POV-Ray 3.7 (Debian)
    apt-get install -y libllvm19     # Debian 12: Mitsuba's LLVM variant aborts on LLVM 14/15

A peer that is not installed is skipped with one line saying so. The scenes (bench/
peer_scenes.py) are Puray's twoballs, 10,000 random balls and three generated meshes of
65k, 69k and 124k triangles (bench/peer_meshes.py: stand-ins for the beast, the bunny and
the ogre), each written for every tool from the numbers Puray's loader built. Every tool
uses both cores (POV-Ray +WT2, Mitsuba 2 threads, 2 Puray workers), except the primary-ray
cast: Puray's nearest-hit walk and Embree's cast, one thread each. Per case the tools run in
interleaved rounds; each round prints wall and CPU seconds, then the medians, Mpix/s and
Puray/peer ratios (bench/peer_report.py). The last line holds the key ratios. --out keeps
the scene files and every tool's picture (name_tool.png) for a look.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import peer_report as report  # noqa: E402
from peer_meshes import MODELS  # noqa: E402
from peer_scenes import spec_of, write_scenes  # noqa: E402
from peer_tools import (  # noqa: E402
    PeerServer,
    PurayCast,
    PurayWarm,
    Sample,
    mitsuba_command,
    povray,
    puray_command,
)
from peer_writers import embree_input, write_mitsuba, write_pov  # noqa: E402

from tracer.scene.load import SceneSource  # noqa: E402
from tracer.settings import RenderSettings  # noqa: E402

NAMES = {"povray": "POV-Ray 3.7", "mitsuba": "Mitsuba 3", "embree": "Embree 4 (embreex)"}
VARIANTS = {"llvm": "llvm_ad_rgb", "scalar": "scalar_rgb"}
LLVM_HINT = " (Debian 12's LLVM 14 and 15 abort it: apt-get install -y libllvm19)"


@dataclass(frozen=True)
class Case:
    name: str  # twoballs, twoballs+shadows, blob69k primary, ...
    scene: str
    shadows: bool = False
    cast: bool = False


def cases_of(scenes: list[str]) -> list[Case]:
    """Return the cases: every scene plain; twoballs and meshes with shadows; meshes' casts."""
    cases = []
    for name in scenes:
        cases.append(Case(name, name))
        if name != "cloud10k":
            cases.append(Case(f"{name}+shadows", name, shadows=True))
        if name in MODELS:
            cases.append(Case(f"{name} primary", name, cast=True))
    return cases


def absent_peers(without: set[str]) -> dict[str, str]:
    """Return why each missing peer is missing (the ones found are not in it)."""
    absent = {name: "left out (--without)" for name in without}
    if "povray" not in absent and shutil.which("povray") is None:
        absent["povray"] = "povray not found (apt-get install -y povray)"
    for name, module in (("mitsuba", "mitsuba"), ("embree", "embreex")):
        if name not in absent and importlib.util.find_spec(module) is None:
            absent[name] = f"{module} not installed (pip install -e .[peers])"
    return absent


class Bench:
    """The warm tools, kept alive for the whole run, and how to time one case."""

    def __init__(self, folder: Path, absent: dict[str, str]) -> None:
        self.folder, self.absent = folder, absent
        self.warm = {n: PurayWarm(n) for n in (2, 1)}
        self.servers: dict[str, PeerServer] = {}
        self.notes: dict[str, str] = {}  # peer -> why it gave no results after all
        starts = {f"mitsuba {k}": ("mitsuba", v, "2") for k, v in VARIANTS.items()}
        starts["embree"] = ("embree",)
        for key, args in starts.items():
            if args[0] in absent:
                continue
            try:
                self.servers[key] = PeerServer(*args, log=folder / "peers.log")
            except RuntimeError as exc:
                print(f"skip {key}: {exc}", flush=True)

    def tools(self, case: Case, scene: Path, settings: RenderSettings, spec) -> dict:
        """Return label -> function(out: Path | None) -> Sample for one case (loaded, warm)."""
        tools = {}
        source = SceneSource.from_path(scene)
        for n in (2, 1):
            self.warm[n].run(source, settings)  # warm-up: the workers load the scene
            tools[f"puray {n} warm"] = lambda out, n=n: self.warm[n].run(source, settings)
        png = self.folder / f"{_file(case.name)}_puray.png"
        tools["puray command"] = lambda out: puray_command(scene, png, settings, 2)
        if "povray" not in self.absent:
            pov = write_pov(spec, self.folder)
            w, h = settings.width, settings.height
            shot = self.folder / f"{_file(case.name)}_povray.png"
            tools["povray"] = lambda out: povray(pov, shot, w, h)
        if case.shadows and "mitsuba" not in self.absent:
            xml = write_mitsuba(spec, self.folder)
            for kind in VARIANTS:
                server = self.servers.get(f"mitsuba {kind}")
                if server is not None and self._load(server, case.name, xml):
                    tools[f"mitsuba {kind} warm"] = self._served(server, case, f"mitsuba_{kind}")
            if "mitsuba llvm" in self.servers:
                pfm = self.folder / f"{_file(case.name)}_mitsuba_command.pfm"
                tools["mitsuba llvm command"] = lambda out: mitsuba_command(
                    xml, pfm, VARIANTS["llvm"]
                )
        return tools

    def cast_tools(self, case: Case, scene: Path, width: int, height: int) -> dict:
        """Return the primary-ray casts of a mesh alone: Puray's and Embree's, same rays."""
        ours = PurayCast(scene, width, height)
        masks: dict[str, np.ndarray] = {}

        def puray_cast(out):
            sample, masks["puray"] = ours.run()
            return sample

        tools = {"puray cast": puray_cast}
        server = self.servers.get("embree")
        if server is not None:
            o, d = ours.rays()
            npz = self.folder / f"{_file(case.name)}.npz"
            spec = spec_of(scene, case.name, width, height)
            np.savez(npz, triangles=embree_input(spec), origins=o.astype(np.float32),
                     directions=d.astype(np.float32))  # fmt: skip
            if self._load(server, case.name, npz):
                tools["embree cast"] = self._served(server, case, "embree", ".npy")
        self.masks = masks
        return tools

    def _load(self, server: PeerServer, key: str, path: Path) -> bool:
        try:
            server.load(key, path)
            return True
        except RuntimeError as exc:
            print(f"  {key}: the peer failed to load it: {exc}", flush=True)
            if not server.alive:  # a crash (LLVM aborts): no more cases for it
                name = next(k for k, v in self.servers.items() if v is server)
                why = f"{name} died{LLVM_HINT if 'llvm' in name else ''}"
                print(f"skip {name} from here on: {why}", flush=True)
                self.notes.setdefault(name.split()[0], why)
                del self.servers[name]
            return False

    def _served(self, server: PeerServer, case: Case, tool: str, ext: str = ".png"):
        def run(out):
            path = self.folder / f"{_file(case.name)}_{tool}{ext}" if out else None
            answer = server.run(case.name, path)
            return Sample(answer["wall"], answer["cpu"])

        return run

    def close(self) -> None:
        for server in self.servers.values():
            server.close()
        for warm in self.warm.values():
            warm.close()


def _file(case: str) -> str:
    return case.replace("+", "_").replace(" ", "_")


def run_case(bench: Bench, case: Case, scene: Path, args) -> dict:
    """Time one case's tools in interleaved rounds; print each round; return the rows."""
    w, h = args.width, args.height
    if case.cast:
        tools = bench.cast_tools(case, scene, w, h)
    else:
        settings = RenderSettings(width=w, height=h, shadows=case.shadows, max_depth=5)
        spec = replace(spec_of(scene, _file(case.name), w, h), shadows=case.shadows)
        tools = bench.tools(case, scene, settings, spec)
    samples: dict[str, list] = {label: [] for label in tools}
    for index in range(1, args.rounds + 1):
        this = {}
        for label, tool in list(tools.items()):
            try:
                this[label] = tool(index == args.rounds)
            except RuntimeError as exc:
                print(f"  {case.name}: {label} failed, left out: {exc}", flush=True)
                del tools[label], samples[label]
                continue
            samples[label].append(this[label])
        print(report.round_line(case.name, index, this), flush=True)
    if case.cast and "embree cast" in samples:
        embree = np.load(bench.folder / f"{_file(case.name)}_embree.npy")
        differ = int(((embree >= 0) != (bench.masks["puray"] >= 0)).sum())
        print(f"  {case.name}: hit masks of Puray and Embree differ in {differ} of {w * h} pixels")
    rows = report.series(samples)
    print("\n".join(report.table(case.name, w * h, rows)), flush=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--width", type=int, default=960)
    parser.add_argument("--height", type=int, default=540)
    parser.add_argument("--scenes", default=",".join(["twoballs", "cloud10k", *MODELS]))
    parser.add_argument("--without", default="", help="peers to leave out: povray,mitsuba,embree")
    parser.add_argument("--out", type=Path, help="keep scene files and pictures in this folder")
    parser.add_argument("--quick", action="store_true", help="96x54, one round")
    args = parser.parse_args(argv)
    if args.quick:
        args.width, args.height, args.rounds = 96, 54, 1
    without = {p for p in args.without.split(",") if p}
    if without - set(NAMES):
        parser.error(f"--without takes {','.join(NAMES)}")
    names = [s for s in args.scenes.split(",") if s]
    known = ["twoballs", "cloud10k", *MODELS]
    if set(names) - set(known):
        parser.error(f"--scenes takes {','.join(known)}")
    absent = absent_peers(without)
    for peer in (p for p in NAMES if p in absent):
        print(f"skip {NAMES[peer]}: {absent[peer]}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.out or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        scenes = write_scenes(folder, tuple(n for n in names if n in MODELS))
        print(f"{args.width}x{args.height}, depth 5, {args.rounds} interleaved rounds", flush=True)
        bench = Bench(folder, absent)
        try:
            results = {}
            for case in cases_of(names):
                scene = scenes[f"{case.scene}_alone" if case.cast else case.scene]
                results[case.name] = run_case(bench, case, scene, args)
        finally:
            bench.close()
    meshes = [n for n in names if n in MODELS]
    print(report.goals_line(results, "lump124k", "blob69k"))
    print(report.key_line(results, meshes, {**bench.notes, **absent}))


if __name__ == "__main__":
    main()
