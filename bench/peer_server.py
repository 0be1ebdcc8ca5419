"""A warm peer in its own process for bench/peers.py: Mitsuba 3 (one variant) or Embree.

    python bench/peer_server.py mitsuba VARIANT THREADS
    python bench/peer_server.py embree

Reads one JSON request a line on stdin and answers one JSON line on stdout (libraries'
own output goes to stderr). Requests: ``{"op": "load", "key": K, "path": FILE}`` (a Mitsuba
XML scene, or an .npz of Embree's triangles and rays), then ``{"op": "run", "key": K,
"out": FILE or null}``: one render (one cast), answered with its wall and CPU seconds (this
process's CPU time: every thread of the peer); ``out`` keeps the picture (the hit ids).
Scenes stay loaded: the peer is timed warm, as Puray's render service is. A crash of the
peer (LLVM aborts on some versions) ends this process, and bench/peers.py says so.
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np


class Mitsuba:
    """Mitsuba scenes loaded once, rendered on request."""

    def __init__(self, variant: str, threads: int) -> None:
        import drjit as dr
        import mitsuba as mi

        mi.set_variant(variant)
        mi.set_log_level(mi.LogLevel.Warn)
        dr.set_thread_count(threads)
        self.mi, self.dr = mi, dr
        self.scenes: dict = {}

    def load(self, key: str, path: str) -> None:
        self.scenes[key] = self.mi.load_file(path)
        self.run(key, None)  # warm up: the LLVM variant compiles its kernels once

    def run(self, key: str, out: str | None) -> dict:
        mi, dr = self.mi, self.dr
        wall, cpu = time.perf_counter(), time.process_time()
        image = mi.render(self.scenes[key], seed=0)
        dr.eval(image)
        dr.sync_thread()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if out:
            bitmap = mi.Bitmap(image).convert(
                mi.Bitmap.PixelFormat.RGB, mi.Struct.Type.UInt8, srgb_gamma=False
            )
            bitmap.write(out)
        return {"wall": wall, "cpu": cpu}


class Embree:
    """Embree scenes (embreex) built once; ``run`` casts the stored rays: nearest hit ids."""

    def __init__(self) -> None:
        from embreex import rtcore_scene
        from embreex.mesh_construction import TriangleMesh

        self.make_scene, self.mesh = rtcore_scene.EmbreeScene, TriangleMesh
        self.scenes: dict = {}

    def load(self, key: str, path: str) -> None:
        data = np.load(path)
        scene = self.make_scene()
        self.mesh(scene, data["triangles"])
        self.scenes[key] = (scene, data["origins"], data["directions"])
        self.run(key, None)  # warm up: the structure is committed at the first cast

    def run(self, key: str, out: str | None) -> dict:
        scene, o, d = self.scenes[key]
        wall, cpu = time.perf_counter(), time.process_time()
        ids = scene.run(o, d)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if out:
            np.save(out, ids)
        return {"wall": wall, "cpu": cpu, "hits": int((ids >= 0).sum())}


def serve(peer, replies) -> None:
    """Answer requests until stdin closes."""
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["op"] == "load":
                start = time.perf_counter()
                peer.load(request["key"], request["path"])
                answer = {"ok": True, "load": time.perf_counter() - start}
            else:
                answer = {"ok": True, **peer.run(request["key"], request.get("out"))}
        except Exception as exc:  # the bench reports it and goes on without this peer
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        replies.write(json.dumps(answer) + "\n")
        replies.flush()


def main() -> None:
    replies = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # whatever the libraries print goes to stderr, not into the replies
    try:
        peer = Mitsuba(sys.argv[2], int(sys.argv[3])) if sys.argv[1] == "mitsuba" else Embree()
    except Exception as exc:
        replies.write(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}) + "\n")
        return
    replies.write(json.dumps({"ok": True}) + "\n")
    replies.flush()
    serve(peer, replies)


if __name__ == "__main__":
    main()
