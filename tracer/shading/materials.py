"""Materials: how a surface reacts to light (Puray's Phong model, plus the seams to extend it).

A material gives the surface colour at hit points and the shading coefficients.
Two ways to give colours, and the renderer picks the most specific one a class defines:

- ``color_at(position) -> Color``: Puray's scalar form, one point at a time (slow, works).
- ``colors_at(points) -> ndarray``: the vectorised form. ``points`` is a float64 array of
  shape (n, 3) (x, y, z per row); return an (n, 3) array of RGB in 0..1 (or anything that
  broadcasts to it, such as a single RGB triple). Built-in materials use it.

If a subclass overrides ``color_at`` below the class that defines ``colors_at``, its own
``color_at`` wins, so a Puray-style subclass of a built-in material renders as written.

Wherever a material takes a colour it also takes a texture (see textures.py):
``Material(color=Marble(...))`` is a :class:`TexturedMaterial`, whose colours come from the
texture; plain colours keep the kernel's fast path (:func:`is_plain`).
"""

from __future__ import annotations

import numpy as np

from ..errors import caller_site
from ..vector import Color
from .color_source import is_texture, layer_colors, surface_colors, uses_vectorised

#: Puray's Blinn-Phong exponent.
SPECULAR_K = 50


class Material:
    """A plain colour (or a texture) with Puray's shading coefficients and defaults.

    Every lit point gets ``ambient`` of white (Puray's ambient term), plus per light the
    colour's matte share scaled by ``diffuse`` and the light's highlight (Blinn-Phong,
    exponent 50) scaled by ``specular``; ``reflection`` weighs the mirrored ray. Subclass it
    and define ``color_at`` or ``colors_at`` for a colour of your own.
    """

    #: Blinn-Phong exponent; Puray uses 50 for everything.
    specular_k: float = SPECULAR_K

    def __new__(cls, *args, **kwargs):
        """Make ``Material(texture)`` a TexturedMaterial (as Path() makes a PosixPath)."""
        color = args[0] if args else kwargs.get("color")
        if cls is Material and is_texture(color):
            cls = TexturedMaterial
        return super().__new__(cls)

    def __init__(
        self,
        color: Color | None = None,
        ambient: float = 0.05,
        diffuse: float = 1.0,
        specular: float = 1.0,
        reflection: float = 0.5,
    ) -> None:
        self.color = Color.from_hex("#FFFFFF") if color is None else color
        self.ambient = ambient
        self.diffuse = diffuse
        self.specular = specular
        self.reflection = reflection
        self._site = caller_site()

    def color_at(self, position):
        """Return the surface colour at one point (Puray's scalar form)."""
        return _color_at(self.color, position)

    def colors_at(self, points: np.ndarray) -> np.ndarray:
        """Return the surface colours at an (n, 3) array of points."""
        return layer_colors(self.color, points)


class TexturedMaterial(Material):
    """A Material whose colour is a texture: what ``Material(color=texture)`` makes."""

    def color_at(self, position):
        return _color_at(self.color, position)

    def colors_at(self, points: np.ndarray) -> np.ndarray:
        return layer_colors(self.color, points)


def _color_at(layer, position):
    """Return a colour or a texture's colour at one point."""
    if is_texture(layer):
        rgb = layer_colors(layer, np.array([[position.x, position.y, position.z]], float))[0]
        return Color(*(float(c) for c in rgb))
    return layer


def is_plain(material: object) -> bool:
    """Tell whether the kernel may take ``material.color`` as one constant colour.

    True when the material's class colours with Material's own methods and its colour is a
    Color (not a texture); the kernel gathers such colours in one take.
    """
    cls = type(material)
    return (
        getattr(cls, "colors_at", None) is Material.colors_at
        and getattr(cls, "color_at", None) is Material.color_at
        and not is_texture(getattr(material, "color", None))
    )


class ChequeredMaterial(Material):
    """Puray's chessboard: squares of 1/3 unit in x and z, alternating ``color1`` and ``color2``."""

    def __init__(
        self,
        color1: Color | None = None,
        color2: Color | None = None,
        ambient: float = 0.05,
        diffuse: float = 1.0,
        specular: float = 1.0,
        reflection: float = 0.5,
    ) -> None:
        color1 = Color.from_hex("#FFFFFF") if color1 is None else color1
        super().__init__(color1, ambient, diffuse, specular, reflection)
        self.color1 = color1
        self.color2 = Color.from_hex("#000000") if color2 is None else color2
        self._site = caller_site()

    def color_at(self, position):
        if int((position.x + 5.0) * 3.0) % 2 == int(position.z * 3.0) % 2:
            return _color_at(self.color1, position)
        return _color_at(self.color2, position)

    def colors_at(self, points: np.ndarray) -> np.ndarray:
        out = np.empty((3, len(points)))
        self._fill(points[:, 0], points[:, 1], points[:, 2], out)
        return out.T

    def _fill(self, x, y, z, out) -> None:
        """Write colours at points (x, y, z) into the rows of a (3, n) array."""
        first = self._first_color(x, z)
        c1s, c2s = self.color1, self.color2
        if is_texture(c1s) or is_texture(c2s):
            points = np.stack((x, y, z), axis=1)
            a, b = layer_colors(c1s, points), layer_colors(c2s, points)
            out[:] = np.where(first[:, None], a, b).T
            return
        for row, c1, c2 in zip(out, (c1s.x, c1s.y, c1s.z), (c2s.x, c2s.y, c2s.z), strict=True):
            row.fill(c2)
            row[first] = c1

    @staticmethod
    def _first_color(x, z) -> np.ndarray:
        # int() truncates toward zero, like a cast to int64; Python's % 2 is the parity of
        # the magnitude, which the lowest bit of a two's complement integer also gives.
        with np.errstate(invalid="ignore"):
            a = ((x + 5.0) * 3.0).astype(np.int64)
            b = (z * 3.0).astype(np.int64)
        a ^= b
        a &= 1
        return a == 0


def fill_colors(material: object, p: tuple, out: np.ndarray) -> None:
    """Write the colours of ``material`` at points ``p`` (x, y, z arrays) into a (3, n) array."""
    x, y, z = p
    colors_at = getattr(type(material), "colors_at", None)
    if colors_at is ChequeredMaterial.colors_at and uses_vectorised(material):
        material._fill(x, y, z, out)  # type: ignore[attr-defined]  # built-in: no copies
    else:
        out[:] = surface_colors(material, np.stack((x, y, z), axis=1)).T
