"""Scalar 3-vectors with Puray's API (Vector, Point, Color).

These are the objects scene files build; the renderer converts them to numpy
arrays once per scene, so their speed does not matter, only their numbers.
"""

from __future__ import annotations

import math

__all__ = ["Color", "Point", "Vector"]


class Vector:
    """A direction or offset in space: three numbers with Puray's method names.

    ``+``, ``-`` and unary ``-`` work component by component; ``v * k`` and ``v / k`` scale by
    a number, and ``v * w`` of two vectors multiplies component by component (as Puray's
    colours use it). ``x, y, z = v`` unpacks. Equal components compare equal.
    """

    __slots__ = ("x", "y", "z")

    def __init__(self, x: float = 0.0, y: float = 0.0, z: float = 0.0) -> None:
        self.x = x
        self.y = y
        self.z = z

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.x}, {self.y}, {self.z})"

    def __iter__(self):
        return iter((self.x, self.y, self.z))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vector):
            return NotImplemented
        return (self.x, self.y, self.z) == (other.x, other.y, other.z)

    __hash__ = None  # type: ignore[assignment]  # mutable, like Puray's

    def dot_product(self, other: Vector) -> float:
        """Return the dot product with ``other``."""
        return self.x * other.x + self.y * other.y + self.z * other.z

    def magnitude(self) -> float:
        """Return the length."""
        return math.sqrt(self.dot_product(self))

    def normalize(self) -> Vector:
        """Return a vector of length 1 in the same direction."""
        return self / self.magnitude()

    def cross(self, other: Vector) -> Vector:
        """Return the cross product with ``other``."""
        return type(self)(
            self.y * other.z - self.z * other.y,
            self.z * other.x - self.x * other.z,
            self.x * other.y - self.y * other.x,
        )

    def __add__(self, other: Vector) -> Vector:
        return type(self)(self.x + other.x, self.y + other.y, self.z + other.z)

    def __sub__(self, other: Vector) -> Vector:
        return type(self)(self.x - other.x, self.y - other.y, self.z - other.z)

    def __neg__(self) -> Vector:
        return type(self)(-self.x, -self.y, -self.z)

    def __mul__(self, other):
        if isinstance(other, Vector):  # component-wise, as Puray's colours use it
            return type(self)(self.x * other.x, self.y * other.y, self.z * other.z)
        return type(self)(self.x * other, self.y * other, self.z * other)

    def __rmul__(self, other):
        return self.__mul__(other)

    def __truediv__(self, other: float) -> Vector:
        return type(self)(self.x / other, self.y / other, self.z / other)


class Point(Vector):
    """A position in space: a Vector by another name (as in Puray), e.g. ``Point(0, -0.1, 1)``."""


class Color(Vector):
    """An RGB colour with channels in 0..1 (``x``, ``y``, ``z`` are red, green, blue).

    ``Color.from_hex("#e6b87d")`` reads a web colour.
    """

    @classmethod
    def from_hex(cls, hexcolor: str = "#000000") -> Color:
        """Parse '#RRGGBB'."""
        text = str(hexcolor).strip()
        digits = text[1:] if text.startswith("#") else text
        if len(digits) != 6:
            raise ValueError(f"colour must look like '#RRGGBB', got {hexcolor!r}")
        try:
            r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
        except ValueError:
            raise ValueError(f"colour must look like '#RRGGBB', got {hexcolor!r}") from None
        return cls(r / 255.0, g / 255.0, b / 255.0)

    @property
    def r(self) -> float:
        return self.x

    @property
    def g(self) -> float:
        return self.y

    @property
    def b(self) -> float:
        return self.z
