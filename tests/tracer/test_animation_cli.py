"""puray render of animated scenes: every format read back, frames equal to stills, errors."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from tests.tracer.helpers import PURAY_HEADER, write_scene
from tracer import RenderSettings, SceneSource
from tracer.cli.main import main
from tracer.kernel.render import render_image
from tracer.workers.service import RenderService

ROOT = Path(__file__).resolve().parents[2]
VIRUS = ROOT / "scenes" / "coronavirus_animated.py"
SMALL = ["--width", "64", "--height", "36"]

#: Five frames of a ball crossing the picture; {extra} goes at the end of the scene.
MOVING = PURAY_HEADER + textwrap.dedent(
    """
    FRAMES = 5
    FPS = 12
    WIDTH, HEIGHT = 64, 36
    CAMERA = Vector(0, 0, -1)
    OBJECTS = [
        Sphere(Point(-0.8 + 1.6 * T, 0, 1), 0.3, Material(Color(1, 0.2 * FRAME, 0))),
        Sphere(Point(0, 0.3, 2), 0.4, Material(Color(0.2, 0.4, 1))),
    ]
    LIGHTS = [Light(Point(1.5, -0.5, -10), Color(1, 1, 1))]
    """
)


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=2) as svc:
        yield svc


@pytest.fixture
def scene(tmp_path) -> Path:
    return write_scene(tmp_path, "moving.py", MOVING)


def render(service, scene: Path, out: Path | str, *flags: str) -> int:
    return main(["render", str(scene), "-o", str(out), "-q", *flags], service)


def frames_of(path: Path) -> list[np.ndarray]:
    with Image.open(path) as im:
        return [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(im)]


def truth(scene: Path, count: int = 5, **settings) -> list[np.ndarray]:
    source = SceneSource.from_path(scene)
    return [render_image(source, RenderSettings(frame=k, **settings)) for k in range(count)]


def test_frame_k_equals_frame_k_of_the_sequence_and_of_the_apng(service, scene, tmp_path):
    assert render(service, scene, tmp_path / "seq" / "f_%03d.png") == 0
    assert render(service, scene, tmp_path / "movie.png") == 0
    assert render(service, scene, tmp_path / "movie.apng") == 0
    apng = frames_of(tmp_path / "movie.png")
    assert len(apng) == 5
    assert all(
        np.array_equal(a, b) for a, b in zip(apng, frames_of(tmp_path / "movie.apng"), strict=True)
    )
    expected = truth(scene)
    assert not np.array_equal(expected[0], expected[1])  # it moves
    for k in range(5):
        assert render(service, scene, tmp_path / f"still{k}.png", "--frame", str(k)) == 0
        still = frames_of(tmp_path / f"still{k}.png")
        assert len(still) == 1
        np.testing.assert_array_equal(still[0], frames_of(tmp_path / "seq" / f"f_{k:03d}.png")[0])
        np.testing.assert_array_equal(still[0], apng[k])
        np.testing.assert_array_equal(still[0], expected[k])


def test_the_apng_carries_the_metadata_and_timing(service, scene, tmp_path):
    out = tmp_path / "movie.png"
    assert render(service, scene, out, "--frames", "1:4") == 0
    with Image.open(out) as im:
        text = dict(im.text)
        durations = [f.info["duration"] for f in ImageSequence.Iterator(im)]
    assert text["Scene"] == str(scene)
    assert text["Frames"] == "1 to 3 of 5"
    settings = json.loads(text["Settings"])
    assert (settings["width"], settings["height"], settings["fps"]) == (64, 36, 12.0)
    assert settings["frames"] == "1:4"
    assert sum(durations) == 250  # 3 frames at 12 fps, in whole milliseconds
    assert len(frames_of(out)) == 3


def test_gif_has_every_frame_on_one_good_palette(service, scene, tmp_path):
    plain, dithered = tmp_path / "plain.gif", tmp_path / "dithered.gif"
    assert render(service, scene, plain, "--width", "128", "--height", "72") == 0
    assert render(service, scene, dithered, "--width", "128", "--height", "72", "--dither") == 0
    expected = truth(scene, width=128, height=72)
    for path in (plain, dithered):
        frames = frames_of(path)
        assert len(frames) == 5
        colours = np.unique(np.concatenate(frames).reshape(-1, 3), axis=0)
        assert len(colours) <= 256  # one palette for the whole animation
        for got, want in zip(frames, expected, strict=True):
            error = np.sqrt(np.mean((got.astype(float) - want) ** 2))
            assert error < 4.0, f"{path.name}: RMS error {error:.2f}"
    assert not np.array_equal(frames_of(plain)[2], frames_of(dithered)[2])
    with Image.open(plain) as im:
        assert b"Scene: " + str(scene).encode() in im.info["comment"]
        durations = [f.info["duration"] for f in ImageSequence.Iterator(im)]
    assert durations == [80, 90, 80, 80, 90]  # 12 fps in 1/100 s: no drift


def test_webp_is_lossless(service, scene, tmp_path):
    assert render(service, scene, tmp_path / "movie.webp") == 0
    got = frames_of(tmp_path / "movie.webp")
    assert len(got) == 5
    for a, b in zip(got, truth(scene), strict=True):
        np.testing.assert_array_equal(a, b)
    with Image.open(tmp_path / "movie.webp") as im:
        exif = im.getexif()
    assert exif[0x0131].startswith("Puray Live")  # Software
    assert json.loads(exif[0x010E])["Scene"] == str(scene)  # ImageDescription


def test_mp4_opens_with_every_frame(service, scene, tmp_path):
    av = pytest.importorskip("av")
    out = tmp_path / "movie.mp4"
    assert render(service, scene, out, "--fps", "10") == 0
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.pix_fmt) == ("h264", "yuv420p")
        assert (stream.codec_context.width, stream.codec_context.height) == (64, 36)
        assert stream.average_rate == 10
        comment = json.loads(container.metadata["comment"])
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert comment["Scene"] == str(scene)
    assert len(decoded) == 5
    for got, want in zip(decoded, truth(scene), strict=True):
        assert np.abs(got.astype(int) - want).mean() < 6  # lossy, but the same picture


def test_odd_sizes_are_padded_for_mp4(service, scene, tmp_path):
    av = pytest.importorskip("av")
    out = tmp_path / "odd.mp4"
    assert render(service, scene, out, "--width", "63", "--height", "35") == 0
    with av.open(str(out)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == 5
    assert frames[0].shape == (36, 64, 3)


def test_mp4_without_pyav_says_what_to_install(service, scene, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "av", None)  # import av raises ImportError
    assert render(service, scene, tmp_path / "movie.mp4") == 2
    assert "pip install 'puray-live[video]'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [scene]


def test_one_and_two_workers_give_the_same_frames(service, tmp_path):
    # 256x144 is two blocks of rows per frame: the two workers share each frame
    flags = ["--width", "256", "--height", "144", "--frames", "10:14"]
    assert render(service, VIRUS, tmp_path / "two.png", *flags) == 0
    with RenderService(processes=1) as one:
        assert render(one, VIRUS, tmp_path / "one.png", *flags) == 0
    two, single = frames_of(tmp_path / "two.png"), frames_of(tmp_path / "one.png")
    assert len(two) == len(single) == 4
    source = SceneSource.from_path(VIRUS)
    for k, a, b in zip(range(10, 14), two, single, strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, render_image(source, RenderSettings(256, 144, frame=k)))


def test_progress_counts_frames(service, scene, tmp_path, capsys):
    assert main(["render", str(scene), "-o", str(tmp_path / "m.gif")], service) == 0
    err = capsys.readouterr().err
    assert "100% of 5 frames" in err
    assert "puray: wrote" in err
    assert "(5 frames, 64x36, 12 fps," in err


FAILING = {
    "load": "if FRAME == 3:\n    raise ValueError('no third frame')",
    "render": textwrap.dedent(
        """
        class Flaky(Material):
            def color_at(self, position):
                if FRAME_NOW == 3:
                    raise ValueError('no third frame')
                return self.color

        FRAME_NOW = FRAME
        OBJECTS[1] = Sphere(Point(0, 0.3, 2), 0.4, Flaky(Color(0.2, 0.4, 1)))
        """
    ),
}


@pytest.mark.parametrize("when", ["load", "render"])
@pytest.mark.parametrize("output", ["m.gif", "m.png", "m.mp4", "seq/f_%02d.png"])
def test_an_error_names_file_line_and_frame_and_writes_nothing(
    service, tmp_path, capsys, when, output
):
    if output.endswith(".mp4"):
        pytest.importorskip("av")
    body = MOVING + FAILING[when]
    scene = write_scene(tmp_path, "flaky.py", body)
    (tmp_path / "m.png").write_bytes(b"the user's own file")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert render(service, scene, tmp_path / output) == 2
    err = capsys.readouterr().err
    line = next(i for i, text in enumerate(body.splitlines(), 1) if "raise ValueError" in text)
    assert f"flaky.py:{line}: frame 3 of 5: ValueError: no third frame" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no file, no temp, no folder
    assert (tmp_path / "m.png").read_bytes() == b"the user's own file"


def test_an_error_in_frame_0_says_so(service, tmp_path, capsys):
    scene = write_scene(tmp_path, "first.py", MOVING + "if FRAME == 0:\n    1 / 0\n")
    assert render(service, scene, tmp_path / "m.gif") == 2
    line = len(MOVING.splitlines()) + 2
    assert f"first.py:{line}: frame 0 of 5: ZeroDivisionError" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [scene]


def test_a_sequence_never_overwrites_silently(service, scene, tmp_path, capsys):
    folder = tmp_path / "frames"
    folder.mkdir()
    (folder / "f_2.png").write_bytes(b"keep me")
    assert render(service, scene, folder / "f_%d.png") == 2
    assert "f_2.png exists; use --force to replace" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["f_2.png"]
    assert (folder / "f_2.png").read_bytes() == b"keep me"
    assert render(service, scene, folder / "f_%d.png", "--force") == 0
    assert sorted(p.name for p in folder.iterdir()) == [f"f_{k}.png" for k in range(5)]
    np.testing.assert_array_equal(frames_of(folder / "f_2.png")[0], truth(scene)[2])


@pytest.mark.parametrize(
    ("flags", "output", "message"),
    [
        (["--frames", "0:9"], "m.gif", "--frames '0:9' goes past the end; the scene has 5 frames"),
        (["--frames", "3:3"], "m.gif", "--frames '3:3' selects no frames"),
        (["--frame", "5"], "m.png", "--frame 5: the scene has 5 frames (0 to 4)"),
        (["--frame", "2"], "m.gif", "--frame writes one still image"),
        (["--frame", "2", "--frames", "1:2"], "m.png", "not allowed with argument"),
        (["--fps", "0"], "m.gif", "--fps: must be from 0.1 to 1000 frames per second, got '0'"),
        (["--fps", "0.001"], "m.mp4", "--fps: must be from 0.1 to 1000 frames per second"),
        (["--fps", "nan"], "m.gif", "--fps: must be from 0.1 to 1000 frames per second"),
        ([], "m.ppm", "a PPM holds one picture"),
        ([], "f_%d_%d.png", "needs one frame number"),
        ([], "f_%d.gif", "image sequences are .png or .ppm files"),
        ([], "m.avi", "unknown image type ('.avi')"),
    ],
)
def test_bad_requests_are_refused_before_rendering(
    service, scene, tmp_path, capsys, flags, output, message
):
    assert render(service, scene, tmp_path / output, *flags) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [scene]


def test_a_still_scene_still_writes_a_plain_png(service, tmp_path):
    out = tmp_path / "still.png"
    assert render(service, ROOT / "scenes" / "twoballs.py", out, *SMALL) == 0
    with Image.open(out) as im:
        assert getattr(im, "n_frames", 1) == 1
        assert "Frames" not in im.text


def test_frames_render_as_dask_tasks(scene, tmp_path):
    pytest.importorskip("distributed")
    from tracer.workers.cluster import ClusterService

    with ClusterService("local:2") as cluster:
        assert render(cluster, scene, tmp_path / "dask.png") == 0
    for got, want in zip(frames_of(tmp_path / "dask.png"), truth(scene), strict=True):
        np.testing.assert_array_equal(got, want)
