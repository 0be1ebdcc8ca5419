"""The whole-array OBJ reader gives what the line parser gives, or leaves the file to it."""

from __future__ import annotations

import random

import numpy as np
import pytest

from tracer.errors import SceneError
from tracer.geometry import obj as obj_module
from tracer.geometry.obj import parse_obj

FIELDS = ("vertices", "faces", "normals", "face_normals")


def _by_lines(text: str):
    return obj_module._parse_lines(text.splitlines(), "m.obj")


def _same(a, b) -> None:
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is not None:
            assert x.dtype == y.dtype, name
            assert np.array_equal(x, y), name


def _number(rng: random.Random) -> str:
    x = rng.uniform(-1000, 1000) * 10 ** rng.randint(-12, 8)
    return rng.choice([f"{x:.6f}", repr(x), f"{x:.9e}", f"{x:.17g}", str(rng.randint(-9, 9))])


def _random_obj(rng: random.Random) -> str:
    """A random OBJ of the common kind: objects of v/vn/vt lines then faces of 3-6 corners,
    all in one form, indices from the start or (negative) from the last vertex so far."""
    form = rng.choice(["{v}", "{v}/{t}", "{v}//{n}", "{v}/{t}/{n}"])
    lines = ["# made by a test", "mtllib x.mtl"]
    nv = nn = 0
    for part in range(rng.randint(1, 3)):
        more_v, more_n = rng.randint(3, 30), rng.randint(1, 5)
        nv, nn = nv + more_v, nn + more_n
        lines += [f"o part{part}"]
        lines += [f"v {_number(rng)} {_number(rng)} {_number(rng)}" for _ in range(more_v)]
        lines += [f"vn {_number(rng)} {_number(rng)} {_number(rng)}" for _ in range(more_n)]
        lines += ["vt 0.5 0.5", "usemtl red", "s off", ""]
        for _ in range(rng.randint(1, 40)):
            corners = []
            for _ in range(rng.randint(3, 6)):
                v = rng.randint(1, nv) if rng.random() < 0.5 else -rng.randint(1, more_v)
                corners.append(form.format(v=v, t=1, n=-rng.randint(1, more_n)))
            lines.append("f " + " ".join(corners))
    return "\n".join(lines) + rng.choice(["\n", ""])


@pytest.mark.parametrize("seed", range(40))
def test_random_common_objs_read_alike_and_fast(seed):
    text = _random_obj(random.Random(seed))
    if seed % 4 == 1:
        text = text.replace("\n", "\r\n")
    if seed % 4 == 2:
        text = text.replace(" ", "\t")
    fast = obj_module._parse_fast(text.encode())
    assert fast is not None  # the common case is read by whole arrays
    _same(fast, _by_lines(text))


HEAD = "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvn 0 0 -1\n"


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "f 1 2 3 # a comment\n",  # an inline comment
        HEAD + "  f 1 2 3\n",  # a leading blank
        HEAD + "v 1 2 3 1.0\nf 1 2 3\n",  # a w coordinate
        HEAD + "f 1 2 3\nf 1//1 2//1 3//1\n",  # two corner forms
        HEAD + "f 1/1 2/1 3/ 4/1\n",  # a missing index
        HEAD + "f 1-2/ 3/1 4/1\n",  # a word that would read as two numbers
        HEAD + "f 1//1 2/1/1 3//1\n",
        HEAD + "o caf\u00e9\nf 1 2 3\n",  # UTF-8 in a name
        HEAD + "o a\u2028f 4 3 2\nf 1 2 3\n",  # a line separator inside a line
        HEAD + "o a\rf 4 3 2\nf 1 2 3\n",  # a lone carriage return
        HEAD + "g x\x0cf 4 3 2\nf 1 2 3\n",  # a form feed
        "\ufeff" + HEAD + "f 1 2 3\n",  # a byte order mark
        HEAD + "f 1 2 3\n\n\nvt 0 0\n",
        HEAD + "f 1 2 3 4\nf 1 2 3\nf 4 3 2 1\n",  # mixed corner counts
        HEAD + "vx 1 2\nfo 1\nf 1 2 3\n",  # other words are skipped
        HEAD + "f 1 2 0x3\n",
        HEAD + "f 1 2 1_0\n",
        HEAD + "v 1_0 2 3\nf 1 2 3\n",
        HEAD + "v 1e400 2 3\nf 1 2 3\n",
    ],
)
def test_uncommon_objs_read_as_the_line_parser_reads_them(text):
    expect, error = _outcome(_by_lines, text)
    got, got_error = _outcome(lambda t: parse_obj("m.obj", t.encode()), text)
    if error is not None:
        assert got_error is not None
        assert (got_error.lineno, got_error.message) == (error.lineno, error.message)
    else:
        _same(got, expect)


def _outcome(read, text: str):
    """Return (what ``read`` gives, None) or (None, the SceneError it raises)."""
    try:
        return read(text), None
    except SceneError as exc:
        return None, exc


def test_a_face_missing_an_index_is_named_at_its_line():
    with pytest.raises(SceneError) as caught:
        parse_obj("m.obj", (HEAD + "f 1-2/ 3/1 4/1\n").encode())
    assert caught.value.lineno == 6
    assert "bad face corner '1-2/'" in caught.value.message
