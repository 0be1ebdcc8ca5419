"""Plain decimals read column by column are Python's float() of the same words, bit for bit."""

from __future__ import annotations

import random

import numpy as np
import pytest

from tracer.geometry.obj import parse_obj
from tracer.geometry.obj_arrays import _tokens
from tracer.geometry.obj_numbers import plain_numbers


def _read(words: list[str]):
    text = np.frombuffer((" ".join(words) + "\n").encode(), np.uint8).copy()
    starts, blank = _tokens(text)
    return plain_numbers(text, starts, blank)


def _plain(rng: random.Random) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 15)))
    point = rng.randint(0, len(digits))
    word = digits[:point] + "." + digits[point:] if rng.random() < 0.9 else digits
    return ("-" if rng.random() < 0.5 else "") + word


@pytest.mark.parametrize("seed", range(5))
def test_random_plain_decimals_are_floats_bit_for_bit(seed):
    rng = random.Random(seed)
    words = [_plain(rng) for _ in range(20_000)]
    got = _read(words)
    assert got is not None
    want = np.array([float(w) for w in words])
    assert got.view(np.int64).tolist() == want.view(np.int64).tolist()  # -0.0 too


def test_hard_cases_round_as_float_does():
    words = ["0.1", "-0.0", "5.", ".5", "-.5", "007", "999999999999999", "0.00000000000001"]
    words += ["123456789.012345", "-1.000000", "0.30000000000000", "9007199.25474099"]
    got = _read(words)
    assert got is not None
    want = np.array([float(w) for w in words])
    assert got.view(np.int64).tolist() == want.view(np.int64).tolist()


@pytest.mark.parametrize(
    "word", ["1e5", "inf", "nan", "+1.0", "1.2.3", "-", ".", "1-2", "1234567890123456", "--1"]
)
def test_other_forms_are_left_to_numpy(word):
    assert _read(["1.5", word, "2"]) is None


def test_a_file_of_plain_and_exponent_numbers_reads_alike():
    plain = "v 0.5 -1.25 3\nv 1 2 3\nv 0 1 0\nf 1 2 3\n"
    mixed = plain.replace("-1.25", "-1.25e0")
    a, b = parse_obj("a.obj", plain.encode()), parse_obj("b.obj", mixed.encode())
    assert a.vertices.tolist() == b.vertices.tolist() == [[0.5, -1.25, 3], [1, 2, 3], [0, 1, 0]]
