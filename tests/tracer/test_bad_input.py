"""Every bad input gives one clear message naming the scene file and line, exit status 2,
no traceback from our code and no output file.

Scenes mark their offending line with ``# <-``; the message must name exactly that line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tracer.helpers import write_scene
from tracer.cli.main import main
from tracer.workers.service import RenderService

ROOT = Path(__file__).resolve().parents[2]

HEAD = """\
from tracer import *
WIDTH = 64
HEIGHT = 36
CAMERA = Vector(0, 0, -1)
"""
BALL = "OBJECTS = [Sphere(Point(0, 0, 1), 0.5, M())]\nLIGHTS = [Light(Point(0, 0, -5))]\n"


def material(body: str) -> str:
    """Return a scene whose only ball has a Material subclass with ``body`` as its methods."""
    return HEAD + "import os, signal, sys\nclass M(Material):\n" + body + BALL


def sized(width: str, height: str = "36") -> str:
    camera = "CAMERA = Vector(0, 0, -1)\nOBJECTS = []\nLIGHTS = []\n"
    return f"from tracer import *\nWIDTH = {width}\nHEIGHT = {height}\n{camera}"


GOOD = HEAD + "OBJECTS = [Sphere(Point(0, 0, 1), 0.5)]\nLIGHTS = [Light(Point(0, 0, -5))]\n"

# (scene text, expected message after "file:line: " or "file: ")
SCENES = {
    "syntax error": ("WIDTH = 64\nHEIGHT = (36  # <-\n", "syntax error: '(' was never closed"),
    "exception": (
        HEAD + "def f():\n    return {}['x']  # <-\nOBJECTS = f()\nLIGHTS = []\n",
        "KeyError: 'x'",
    ),
    "no WIDTH": ("HEIGHT = 36\nCAMERA = 1\nOBJECTS = []\nLIGHTS = []\n", "WIDTH is not defined"),
    "no LIGHTS": (HEAD + "OBJECTS = []\n", "LIGHTS is not defined"),
    "WIDTH text": (sized('"640"  # <-'), "WIDTH must be a whole number of pixels, got '640'"),
    "WIDTH float": (sized("64.0  # <-"), "WIDTH must be a whole number of pixels, got 64.0"),
    "WIDTH zero": (sized("0  # <-"), "WIDTH must be from 1 to 16384 pixels, got 0"),
    "HEIGHT negative": (sized("64", "-36  # <-"), "HEIGHT must be from 1 to 16384 pixels"),
    "WIDTH huge": (sized("16385  # <-"), "WIDTH must be from 1 to 16384 pixels, got 16385"),
    "CAMERA text": (
        HEAD.replace("Vector(0, 0, -1)", '"front"  # <-') + "OBJECTS = []\nLIGHTS = []\n",
        "CAMERA must be a Vector, got 'front'",
    ),
    "CAMERA NaN": (
        HEAD.replace("(0, 0, -1)", '(0, float("nan"), -1)  # <-') + "OBJECTS = []\nLIGHTS = []\n",
        "CAMERA has a NaN or infinite coordinate",
    ),
    "OBJECTS not a list": (
        HEAD + "OBJECTS = Sphere(Point(0, 0, 1), 0.5)  # <-\nLIGHTS = []\n",
        "OBJECTS must be a list, got Sphere",
    ),
    "LIGHTS not a list": (HEAD + "OBJECTS = []\nLIGHTS = 3  # <-\n", "LIGHTS must be a list"),
    "sphere NaN": (
        HEAD + "OBJECTS = [\n    Sphere(Point(float('nan'), 0, 1), 0.5),  # <-\n]\nLIGHTS = []\n",
        "Sphere center has a NaN or infinite coordinate",
    ),
    "light infinite": (
        HEAD + "OBJECTS = []\nLIGHTS = [\n    Light(Point(0, float('inf'), 0)),  # <-\n]\n",
        "Light position has a NaN or infinite coordinate",
    ),
    "negative radius": (
        HEAD + "OBJECTS = [\n    Sphere(Point(0, 0, 1), -0.5),  # <-\n]\nLIGHTS = []\n",
        "Sphere radius must be positive and finite, got -0.5",
    ),
    "color_at raises": (
        material("    def color_at(self, p):\n        raise ValueError('no colour')  # <-\n"),
        "ValueError: no colour",
    ),
    "color_at returns junk": (
        material("    def color_at(self, p):\n        return 'red'  # <-\n"),
        "color_at must return a Color with finite channels, got 'red'",
    ),
    "color_at returns NaN": (
        material("    def color_at(self, p):\n        return Color(float('nan'), 0, 0)  # <-\n"),
        "color_at must return a Color with finite channels",
    ),
    "colors_at returns None": (
        material("    def colors_at(self, p):\n        return None  # <-\n"),
        "colors_at must return an (n, 3) array of RGB numbers, one row a point; got None",
    ),
    "colors_at returns text": (
        material("    def colors_at(self, p):\n        return 'red'  # <-\n"),
        "colors_at must return an (n, 3) array of RGB numbers, one row a point; got 'red'",
    ),
    "a Color for a material": (
        HEAD
        + "OBJECTS = [\n    Sphere(Point(0, 0, 1), 0.5, Color(1, 0, 0)),  # <-\n]\nLIGHTS = []\n",
        "expected a Material for the Sphere, got Color (Color(1, 0, 0)): "
        "use Material(Color(1, 0, 0))",
    ),
    "a name for a material": (
        HEAD + "OBJECTS = [\n    Plane(Point(0, 0, 1), Vector(0, 0, -1), 'red'),  # <-\n]\n"
        "LIGHTS = []\n",
        "expected a Material for the Plane, got str ('red')",
    ),
    "colors_at wrong shape": (
        material("    def colors_at(self, p):\n        return p[:, :2]  # <-\n"),
        "colors_at returned shape",
    ),
    "sys.exit while loading": (
        HEAD + "import sys\nsys.exit(3)  # <-\n",
        "the scene called sys.exit(3)",
    ),
    "sys.exit in color_at": (
        material("    def color_at(self, p):\n        sys.exit()  # <-\n"),
        "the scene called sys.exit(None); scenes must not exit",
    ),
    "endless loop": (
        "WIDTH = 64\nwhile True: pass  # <-\n",
        "the scene did not finish loading within 1 s (an endless loop?)",
    ),
    "os._exit while loading": (
        "import os\nos._exit(0)\n",
        "the scene ended its worker process while loading (exit code 0)",
    ),
    "os._exit in color_at": (
        material("    def color_at(self, p):\n        os._exit(7)\n"),
        "a render worker died (exit code 7) while rendering rows",
    ),
    "image from /dev/zero": (
        HEAD
        + 'OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Material(ImageTexture("/dev/zero")))]  # <-\n'
        "LIGHTS = []\n",
        "image is not a regular file (a device, pipe or socket): /dev/zero",
    ),
    "OBJ from /dev/zero": (
        HEAD + 'OBJECTS = [Mesh.from_obj("/dev/zero")]  # <-\nLIGHTS = []\n',
        "OBJ file is not a regular file (a device, pipe or socket): /dev/zero",
    ),
    "SIGKILL in color_at": (
        material("    def color_at(self, p):\n        os.kill(os.getpid(), signal.SIGKILL)\n"),
        "a render worker died (signal 9) while rendering rows",
    ),
}


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=2) as svc:
        yield svc


def marked_line(text: str) -> int | None:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if "# <-" in line]
    return lines[0] if lines else None


def where(scene: Path, text: str) -> str:
    line = marked_line(text)
    return f"{scene}:{line}" if line else str(scene)


def check_refused(err: str, folder: Path, expected: str) -> None:
    """Assert one clear message, nothing from our internals, no image written."""
    lines = err.splitlines()
    errors = [i for i, line in enumerate(lines) if line.startswith("puray: error: ")]
    assert len(errors) == 1, err
    first = errors[0]
    assert lines[first].startswith(f"puray: error: {expected}"), err
    assert all("% of" in line for line in lines[:first]), err  # only progress before it
    frames = lines[first + 1 :]  # then only the scene's own frames, if any
    if frames:
        assert frames[0] == "Traceback (scene code, most recent call last):", err
        assert all(line.startswith("  ") for line in frames[1:]), err
    assert "tracer/" not in err
    assert "Traceback (most recent call last)" not in err
    assert sorted(os.listdir(folder)) == ["scene.py"]


@pytest.mark.parametrize("case", list(SCENES))
def test_bad_scene(service, tmp_path, capfd, case):
    text, message = SCENES[case]
    scene = tmp_path / "scene.py"
    scene.write_text(text)
    argv = ["render", str(scene), "-o", str(tmp_path / "out.png"), "--load-timeout", "1"]
    assert main(argv, service) == 2
    out, err = capfd.readouterr()
    check_refused(err, tmp_path, f"{where(scene, text)}: {message}")
    assert out == ""


@pytest.mark.parametrize("kind", ["fifo", "huge", "text"])
def test_a_data_file_that_is_no_file_or_too_big_or_no_image_fails_fast(
    service, tmp_path, capfd, kind
):
    data = tmp_path / "data"
    data.mkdir()
    if kind == "fifo":  # opening it would wait for a writer forever
        os.mkfifo(data / "wall.png")
        message = f"image is not a regular file (a device, pipe or socket): {data / 'wall.png'}"
    elif kind == "huge":  # sparse: 600 MiB on paper, nothing on disk
        with open(data / "wall.png", "wb") as f:
            f.truncate(600 << 20)
        message = f"image is too large: {data / 'wall.png'} (600 MiB; at most 512 MiB)"
    else:
        (data / "wall.png").write_text("not a picture")
        message = f"not an image Pillow can read: {data / 'wall.png'} (unknown format)"
    text = HEAD + (
        'OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Material(ImageTexture("data/wall.png")))]  # <-\n'
        "LIGHTS = []\n"
    )
    scene = tmp_path / "scene.py"
    scene.write_text(text)
    assert main(["render", str(scene), "-o", str(tmp_path / "out.png")], service) == 2
    assert capfd.readouterr().err == f"puray: error: {scene}:5: {message}\n"  # no 0x7f... address
    assert sorted(os.listdir(tmp_path)) == ["data", "scene.py"]


def test_exception_in_a_sibling_module_names_it_and_lists_the_scene_frames(
    service, tmp_path, capfd
):
    (tmp_path / "radii.py").write_text("def radius():\n    return 1 / 0\n")
    scene = tmp_path / "scene.py"
    scene.write_text(HEAD + "from radii import radius\nR = radius()\n")
    assert main(["render", str(scene), "-o", str(tmp_path / "out.png")], service) == 2
    err = capfd.readouterr().err
    assert err == (
        f"puray: error: {tmp_path / 'radii.py'}:2: ZeroDivisionError: division by zero\n"
        "Traceback (scene code, most recent call last):\n"
        f'  File "{scene}", line 6, in <module>\n'
        "    R = radius()\n"
        f'  File "{tmp_path / "radii.py"}", line 2, in radius\n'
        "    return 1 / 0\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["radii.py", "scene.py"]


@pytest.mark.parametrize(
    ("path", "message"),
    [("missing.py", "scene file not found"), ("folder", "not a file (expected a .py scene file)")],
)
def test_missing_file_and_folder(tmp_path, capfd, path, message):
    (tmp_path / "folder").mkdir()
    target = tmp_path / path
    assert main(["render", str(target), "-o", str(tmp_path / "out.png")]) == 2
    assert capfd.readouterr().err == f"puray: error: {target}: {message}\n"
    assert sorted(os.listdir(tmp_path)) == ["folder"]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--width", "16385"], "--width must be a whole number from 1 to 16384, got 16385"),
        (["--width", "0"], "--width must be a whole number from 1 to 16384, got 0"),
        (["--height", "-3"], "--height must be a whole number from 1 to 16384, got -3"),
        (["--width", "wide"], "argument --width: invalid int value: 'wide'"),
        (["--samples", "0"], "--samples must be from 1 to 8, got 0"),
        (["--depth", "11"], "--depth must be from 0 to 10, got 11"),
        (["--load-timeout", "0"], "argument --load-timeout: must be a positive number of seconds"),
        (["--load-timeout", "nan"], "argument --load-timeout: must be a positive number"),
        (["--processes", "0"], "argument --processes: must be from 1 to 256, got 0"),
    ],
)
def test_bad_options(tmp_path, capfd, flags, message):
    scene = tmp_path / "scene.py"
    scene.write_text(GOOD)
    assert main(["render", str(scene), "-o", str(tmp_path / "out.png"), *flags]) == 2
    err = capfd.readouterr().err
    assert err.startswith(f"puray: error: {message}")
    assert err.count("\n") == 1
    assert sorted(os.listdir(tmp_path)) == ["scene.py"]


# In a real process, as a user runs it: nothing else reaches the terminal (worker output too).
REAL = [
    "syntax error",
    "exception",
    "negative radius",
    "color_at raises",
    "sys.exit while loading",
    "endless loop",
    "os._exit in color_at",
    "SIGKILL in color_at",
]


@pytest.mark.parametrize("case", REAL)
def test_bad_scene_in_a_real_process(tmp_path, case):
    text, message = SCENES[case]
    scene = tmp_path / "scene.py"
    scene.write_text(text)
    out = tmp_path / "out.png"
    out.write_bytes(b"previous picture")
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(scene), "-o", str(out)]
    cmd += ["--load-timeout", "1", "--processes", "2"]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert out.read_bytes() == b"previous picture"
    out.unlink()  # now the scene is the only file left
    assert result.stdout == ""
    check_refused(result.stderr, tmp_path, f"{where(scene, text)}: {message}")


def test_a_bad_light_entry_names_the_lights_line(service, tmp_path, capfd):
    text = HEAD + "OBJECTS = []\nLIGHTS = [  # <-\n    'lamp',\n]\n"
    scene = tmp_path / "scene.py"
    scene.write_text(text)
    assert main(["render", str(scene), "-o", str(tmp_path / "out.png")], service) == 2
    err = capfd.readouterr().err
    check_refused(err, tmp_path, f"{where(scene, text)}: LIGHTS holds 'lamp', which is not a Light")


SLOW_BLOCKS = (
    HEAD
    + """
import time

import numpy as np


class Slow(Material):
    def colors_at(self, points):
        time.sleep(1.0)  # every block of rows takes a second: the kill lands inside one
        return np.full((len(points), 3), 0.5)


OBJECTS = [Sphere(Point(0, 0, 3), 2.0, Slow())]
LIGHTS = [Light(Point(0, 0, -10))]
"""
)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
def test_a_worker_killed_from_outside_mid_render(tmp_path):
    scene = tmp_path / "scene.py"
    scene.write_text(SLOW_BLOCKS)
    out = tmp_path / "out.png"
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(scene), "-o", str(out)]
    cmd += ["--width", "400", "--height", "400", "--processes", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        assert "0% of 400 rows" in proc.stderr.readline()  # rendering
        time.sleep(0.3)  # both workers are inside a block now
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        workers = [
            pid
            for pid in children
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        os.kill(int(workers[0]), signal.SIGKILL)
        assert proc.wait(timeout=30) == 2
        err = proc.stderr.read()
    finally:
        proc.kill()
        proc.stderr.close()
    assert f"puray: error: {scene}: a render worker died (signal 9) while rendering row" in err
    assert "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == ["scene.py"]


def test_a_runaway_recursion_lists_its_frame_three_times_and_counts_the_rest(
    service, tmp_path, capfd
):
    body = HEAD + "def deeper(n):\n    return deeper(n + 1)\n\n\ndeeper(0)\n"
    path = write_scene(tmp_path, "recursive.py", body)
    assert main(["render", str(path), "-o", str(tmp_path / "x.png")], service) == 2
    err = capfd.readouterr().err
    assert "RecursionError" in err
    assert err.count("in deeper") <= 4
    assert "repeated" in err
    assert len(err.splitlines()) < 20


#: Scenes whose numbers overflow inside the engine (a far light, a huge sphere, a texture
#: scaled beyond float64); each renders, and prints nothing but what puray says.
OVERFLOWING = {
    "far light": "OBJECTS = [Sphere(Point(0, 0, 2), 0.5)]\nLIGHTS = [Light(Point(0, -5e200, 0))]",
    "huge sphere": (
        "OBJECTS = [Sphere(Point(0, 0, 1e200), 1e199)]\nLIGHTS = [Light(Point(0, 0, 1))]"
    ),
    "huge voronoi": (
        "OBJECTS = [Sphere(Point(0, 0, 2), 0.5, "
        "Material(Voronoi(Color(1, 0, 0), Color(0, 0, 1), scale=1e300)))]\n"
        "LIGHTS = [Light(Point(0, -5, -5))]"
    ),
    "huge box": (
        "OBJECTS = [Box(Point(-1e300, -1e300, 2), Point(1e300, 1e300, 3))]\n"
        "LIGHTS = [Light(Point(0, -5, -5))]"
    ),
}


@pytest.mark.parametrize("case", list(OVERFLOWING))
@pytest.mark.parametrize("command", ["render", "pick"])
def test_overflows_inside_the_engine_print_no_numpy_warnings(tmp_path, case, command):
    scene = write_scene(tmp_path, "scene.py", HEAD + OVERFLOWING[case] + "\n")
    args = ["-o", str(tmp_path / "out.png"), "-q"] if command == "render" else ["10", "10"]
    cmd = [sys.executable, "-m", "tracer.cli", command, str(scene), *args]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no "RuntimeWarning: overflow encountered in multiply"


def test_the_scenes_own_numpy_warnings_still_show(tmp_path):
    body = "import numpy as np\nnp.float64(1e300) * 1e300\nOBJECTS = []\nLIGHTS = []\n"
    scene = write_scene(tmp_path, "scene.py", HEAD + body)
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(scene), "-o", str(tmp_path / "o.png")]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "RuntimeWarning: overflow encountered" in done.stderr
