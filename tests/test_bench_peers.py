"""bench/peers.py: the stand-in meshes, the scene translations the peers get, a quick run.

The peers (POV-Ray, Mitsuba, embreex) are optional: their checks are skipped without them.
Where a peer is installed, its picture of a translated scene is held against Puray's own:
the same pixels see the scene and the same see nothing (an outside check of the camera,
the y flip and the mesh data each translation writes).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import peer_meshes  # noqa: E402
import peer_report  # noqa: E402
import peer_scenes  # noqa: E402
import peer_writers  # noqa: E402
from peer_tools import PurayCast, Sample, povray  # noqa: E402

from tracer.kernel.render import load, render_rows  # noqa: E402
from tracer.scene.load import SceneSource  # noqa: E402
from tracer.settings import RenderSettings  # noqa: E402

W, H = 96, 54


@pytest.fixture(scope="module")
def scenes(tmp_path_factory) -> dict[str, Path]:
    """The generated scenes, twoballs, and twoballs seen off-axis in x and y (Puray's camera)."""
    folder = tmp_path_factory.mktemp("peers")
    scenes = peer_scenes.write_scenes(folder, ("knot65k",))
    text = peer_scenes.TWOBALLS.read_text()
    camera = "CAMERA = Vector(0, -0.35, -1)"
    assert camera in text
    scenes["offaxis"] = folder / "offaxis.py"
    scenes["offaxis"].write_text(text.replace(camera, "CAMERA = Vector(0.4, -0.35, -1.2)"))
    return scenes


def puray_picture(scene: Path, shadows: bool = False) -> np.ndarray:
    settings = RenderSettings(width=W, height=H, shadows=shadows)
    return render_rows(load(SceneSource.from_path(scene), settings), settings, 0, H)


def blue(picture: np.ndarray) -> np.ndarray:
    """Return where twoballs' blue ball is (blue well above red and green)."""
    p = picture.astype(int)
    return (p[..., 2] > p[..., 0] + 60) & (p[..., 2] > p[..., 1] + 60)


def horizon(picture: np.ndarray) -> np.ndarray:
    """Return, per column, the first row from the top that is not black (H: none)."""
    lit = picture.max(axis=2) > 0
    return np.where(lit.any(axis=0), lit.argmax(axis=0), H)


@pytest.mark.parametrize(("name", "size"), [("knot65k", 65_280), ("blob69k", 69_620)])
def test_stand_in_meshes_are_closed_meshes_of_the_models_sizes(name, size):
    v, f = peer_meshes.MODELS[name][1]()
    assert len(f) == size
    edges = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1)
    _, count = np.unique(edges, axis=0, return_counts=True)
    assert set(count.tolist()) == {2}  # closed: every edge between exactly two triangles
    n = peer_meshes.vertex_normals(v, f)
    assert np.allclose(np.linalg.norm(n, axis=1), 1)
    if name == "blob69k":  # star-shaped around its centre: every normal points away from it
        assert (np.einsum("ij,ij->i", n, v - v.mean(axis=0)) > 0).all()


def test_the_spec_holds_the_numbers_puray_loaded(scenes):
    spec = peer_scenes.spec_of(peer_scenes.TWOBALLS, "twoballs", W, H)
    assert spec.view.sheared
    assert spec.view.position == (0.0, -0.35, -1.0)
    ground, ball, _pink = spec.items
    assert ground.radius == 10000.0
    assert ground.finish.checker == (0xE6 / 255, 0xB8 / 255, 0x7D / 255)
    assert ball.center == (0.75, -0.1, 1.0)
    assert ball.finish.color == (0.0, 0.0, 1.0)
    assert spec.lights[0] == ((1.5, -0.5, -10.0), (1.0, 1.0, 1.0))
    mesh = peer_scenes.spec_of(scenes["knot65k"], "knot65k", W, H)
    assert mesh.triangles == 65_280
    assert mesh.items[1].vertices[:, 1].max() == pytest.approx(peer_scenes.FLOOR_Y)


def test_ratios_are_medians_of_the_rounds_own_ratios():
    rows = peer_report.series(
        {
            "puray 2 warm": [Sample(2.0, 4.0), Sample(9.0, 9.0), Sample(3.0, 6.0)],
            "povray": [Sample(5, 1, 1.0, 2.0), Sample(5, 1, 3.0, 9.0), Sample(5, 1, 2.0, 1.0)],
        }
    )
    assert rows["povray command"] == [(5, 1)] * 3
    # per round wall 2/1, 9/3, 3/2 and cpu 4/2, 9/9, 6/1: the medians of the rounds' ratios,
    # not the ratios of the medians (3/2 and 6/2)
    assert peer_report.ratios(rows, "povray trace") == (2.0, 2.0)
    line = peer_report.key_line({"m": rows}, ["m"], {"mitsuba": "left out", "embree": "absent"})
    assert line == (
        "key ratios, Puray/peer wall (cpu): mesh render-only / POV-Ray trace 2.00x (cpu 2.00x); "
        "mesh with shadows / Mitsuba LLVM - (left out); primary rays / Embree - (absent)"
    )


@pytest.mark.skipif(shutil.which("povray") is None, reason="POV-Ray is not installed")
@pytest.mark.parametrize("name", ["twoballs", "offaxis", "knot65k_alone"])
def test_povray_sees_the_scene_where_puray_does(scenes, tmp_path, name):
    path = scenes[name]
    spec = peer_scenes.spec_of(path, name, W, H)
    povray(peer_writers.write_pov(spec, tmp_path), tmp_path / "pov.png", W, H)
    theirs = np.asarray(Image.open(tmp_path / "pov.png").convert("RGB"))
    ours = puray_picture(path)
    differ = (theirs.max(axis=2) > 0) != (ours.max(axis=2) > 0)
    assert differ.mean() < 0.01, f"{differ.sum()} of {W * H} pixels see other things"


@pytest.mark.skipif(importlib.util.find_spec("embreex") is None, reason="embreex not installed")
def test_embree_hits_the_mesh_where_puray_does(scenes):
    from embreex import rtcore_scene
    from embreex.mesh_construction import TriangleMesh

    ours = PurayCast(scenes["knot65k_alone"], W, H)
    _, hit = ours.run()
    scene = rtcore_scene.EmbreeScene()
    spec = peer_scenes.spec_of(scenes["knot65k_alone"], "knot", W, H)
    TriangleMesh(scene, peer_writers.embree_input(spec))
    o, d = ours.rays()
    ids = scene.run(o.astype(np.float32), d.astype(np.float32))
    assert 0.1 < (hit >= 0).mean() < 0.9
    assert ((ids >= 0) != (hit >= 0)).sum() <= 3  # float32 against float64 at the outline


@pytest.mark.skipif(importlib.util.find_spec("mitsuba") is None, reason="mitsuba not installed")
def test_mitsuba_sees_the_scenes_as_puray_does(scenes, tmp_path):
    from peer_tools import PeerServer

    server = PeerServer("mitsuba", "scalar_rgb", "1", log=tmp_path / "log")
    theirs = {}
    try:
        for name in ("twoballs", "offaxis", "knot65k_alone"):
            spec = peer_scenes.spec_of(scenes[name], name, W, H)
            server.load(name, peer_writers.write_mitsuba(spec, tmp_path))
            server.run(name, tmp_path / f"{name}.png")
            theirs[name] = np.asarray(Image.open(tmp_path / f"{name}.png").convert("RGB"))
    finally:
        server.close()
    for name in ("twoballs", "offaxis"):  # Puray's off-axis frustum; its ground ball a plane
        ours = puray_picture(scenes[name])
        # where the sky ends (Mitsuba jitters its rays, and the far ground is lit at grazing)
        rows = np.abs(horizon(theirs[name]) - horizon(ours))
        assert np.median(rows) <= 1
        assert np.percentile(rows, 90) <= 2
        assert (blue(theirs[name]) & blue(ours)).sum() > 0.8 * blue(ours).sum()
    # No ambient term: the knot's unlit side may be black, but nothing lit lies off the knot.
    ours = puray_picture(scenes["knot65k_alone"]).max(axis=2) > 0
    lit = theirs["knot65k_alone"].max(axis=2) > 0
    assert (lit & ~ours).sum() <= 0.01 * W * H
    assert lit.sum() > 0.5 * ours.sum()


def test_missing_peers_are_skipped_with_how_to_install_them(monkeypatch):
    import peers

    monkeypatch.setattr(peers.shutil, "which", lambda name: None)
    monkeypatch.setattr(peers.importlib.util, "find_spec", lambda name: None)
    assert peers.absent_peers({"embree"}) == {
        "embree": "left out (--without)",
        "povray": "povray not found (apt-get install -y povray)",
        "mitsuba": "mitsuba not installed (pip install -e .[peers])",
    }


@pytest.mark.timeout(300)  # a whole run of five cases, on a machine that may be busy
def test_quick_run_with_our_engine_alone(tmp_path):
    cmd = [sys.executable, str(ROOT / "bench" / "peers.py"), "--quick", "--out", str(tmp_path)]
    cmd += ["--scenes", "twoballs,knot65k", "--without", "povray,mitsuba,embree"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    for name in ("POV-Ray 3.7", "Mitsuba 3", "Embree 4 (embreex)"):
        assert f"skip {name}: left out (--without)" in lines
    rounds = [line for line in lines if line.startswith("  round 1 ")]
    cases = ["twoballs", "twoballs+shadows", "knot65k", "knot65k+shadows", "knot65k primary"]
    assert [line.split(":")[0].removeprefix("  round 1 ") for line in rounds] == cases
    assert "puray 2 warm" in rounds[3]
    assert "puray cast" in rounds[4]
    assert lines[-1].startswith("key ratios, Puray/peer wall (cpu): mesh render-only / POV-Ray")
    assert lines[-1].count("- (left out (--without))") == 3
    picture = np.asarray(Image.open(tmp_path / "knot65k_shadows_puray.png").convert("RGB"))
    orange = (picture[..., 0].astype(int) - picture[..., 2]) > 60  # the knot, not the floor
    assert 0.05 < orange.mean() < 0.6
