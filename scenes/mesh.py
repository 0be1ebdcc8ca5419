"""Meshes: a torus knot built by code (smooth shading) and a faceted gem read from gem.obj.

``Mesh(vertices, faces, material, normals=...)`` takes numpy arrays; ``Mesh.from_obj`` reads a
Wavefront OBJ file next to the scene (saving it re-renders, like saving the scene).
Best seen with shadows and 2 x 2 samples, which SETTINGS below asks for.
"""

import numpy as np

from tracer import (
    ChequeredMaterial,
    Color,
    Light,
    LookAtCamera,
    Material,
    Mesh,
    Plane,
    Point,
    Vector,
)

WIDTH = 960
HEIGHT = 540
SETTINGS = {"shadows": True, "samples": 2}
CAMERA = LookAtCamera(Point(0, -2.4, -4.6), look_at=Point(0, -0.5, 1.0), fov=50)


def torus_knot(p=2, q=3, segments=360, sides=24, tube=0.16):
    """Return vertices, faces and vertex normals of a (p, q) torus knot's tube."""
    t = np.linspace(0, 2 * np.pi, segments, endpoint=False)

    def curve(t):
        r = 2 + np.cos(q * t)
        return np.stack((r * np.cos(p * t), np.sin(q * t), r * np.sin(p * t)), axis=1) * 0.36

    centre = curve(t)
    tangent = curve(t + 1e-4) - curve(t - 1e-4)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    side = np.cross(tangent, centre)  # a frame around the tube, from the knot's centre
    side /= np.linalg.norm(side, axis=1, keepdims=True)
    up = np.cross(side, tangent)
    a = np.linspace(0, 2 * np.pi, sides, endpoint=False)
    normals = np.cos(a)[None, :, None] * up[:, None] + np.sin(a)[None, :, None] * side[:, None]
    vertices = (centre[:, None] + tube * normals).reshape(-1, 3)
    i, j = np.divmod(np.arange(segments * sides), sides)
    quad = [i * sides + j, (i + 1) % segments * sides + j]
    quad += [(i + 1) % segments * sides + (j + 1) % sides, i * sides + (j + 1) % sides]
    q0, q1, q2, q3 = quad
    faces = np.concatenate((np.stack((q0, q1, q2), 1), np.stack((q0, q2, q3), 1)))
    return vertices, faces, normals.reshape(-1, 3)


vertices, faces, normals = torus_knot()
KNOT = Mesh(
    vertices,
    faces,
    Material(Color.from_hex("#d04a1c"), ambient=0.08, reflection=0.3),
    normals=normals,
)
GEM = Mesh.from_obj("gem.obj", Material(Color.from_hex("#3aa0d8"), ambient=0.1, reflection=0.5))

OBJECTS = [
    Plane(
        Point(0, 0.45, 0),
        Vector(0, -1, 0),
        ChequeredMaterial(
            Color.from_hex("#f0ece0"), Color.from_hex("#30303a"), ambient=0.15, reflection=0.25
        ),
    ),
    KNOT.rotated(Vector(1, 0, 0), -62).translated(-0.3, -0.555, 1.3),  # resting on the floor
    GEM.scaled(0.45).translated(1.9, 0.02, 0.4),
    GEM.scaled(0.3).rotated(Vector(0, 1, 0), 20).translated(-1.8, 0.165, 0.4),
]
LIGHTS = [
    Light(Point(-4, -7, -6), Color.from_hex("#ffffff")),
    Light(Point(5, -4, -3), Color.from_hex("#8088a0")),
]
