"""Shared test set-up: headless Qt, fixed seeds, paths to bundled scenes."""

import os
import random
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SCENES = ROOT / "scenes"


@pytest.fixture(autouse=True)
def _fixed_seeds():
    random.seed(1234)
    np.random.seed(1234)


@pytest.fixture
def scenes_dir() -> Path:
    return SCENES
