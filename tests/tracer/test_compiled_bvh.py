"""The compiled hierarchy's build: every node's box is the exact box of what it holds.

Checked against the primitives' boxes by numpy (not by the builder's own sums): each leaf's
box is the union of its primitives' boxes, each inner node's the union of its children's,
every primitive sits in exactly one leaf, and the splits cut where a person would cut.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("numba")

from tracer.accel import compiled_bvh


def _check_tree(lo, hi, built) -> None:
    """Assert the hierarchy's boxes are tight and every primitive is in one leaf."""
    box, first, count, order, depth = built
    assert sorted(order.tolist()) == list(range(len(lo)))
    seen = 0
    for k in range(len(box)):
        if count[k]:
            ids = order[first[k] : first[k] + count[k]]
            want = np.r_[lo[ids].min(axis=0), hi[ids].max(axis=0)]
            seen += count[k]
        else:
            kids = box[first[k] : first[k] + 2]
            want = np.r_[kids[:, :3].min(axis=0), kids[:, 3:].max(axis=0)]
        np.testing.assert_array_equal(box[k], want, err_msg=f"node {k}")
    assert seen == len(lo)
    assert 0 <= depth <= compiled_bvh.MAX_DEPTH


@pytest.mark.parametrize("m", [1, 2, 9, 300, 20_000])
def test_every_box_is_the_exact_box_of_what_it_holds(m):
    rng = np.random.default_rng(m)
    lo = rng.normal(size=(m, 3)) * [10, 3, 1]
    hi = lo + rng.random((m, 3)) * 0.3
    built = compiled_bvh.build(lo, hi)
    _check_tree(lo, hi, built)
    leaves = built[2][built[2] > 0]
    assert leaves.max() <= compiled_bvh.MAX_LEAF


def test_boxes_sharing_one_centre_are_halved_by_count():
    lo = np.zeros((40, 3)) - np.arange(40)[:, None] * 0.01  # nested boxes, one centre
    hi = -lo
    built = compiled_bvh.build(lo, hi)
    _check_tree(lo, hi, built)
    assert built[2].max() <= compiled_bvh.MAX_LEAF


def test_two_far_clusters_are_split_apart_at_the_root():
    rng = np.random.default_rng(5)
    lo = rng.random((200, 3))
    lo[100:, 0] += 50.0  # two clouds of 100 boxes, 50 apart along x
    built = compiled_bvh.build(lo, lo + 0.01)
    box, first, count, _order, _ = built
    _check_tree(lo, lo + 0.01, built)
    left, right = box[first[0]], box[first[0] + 1]
    assert count[0] == 0
    assert left[3] < 2  # each child holds one cloud only
    assert right[0] > 49
