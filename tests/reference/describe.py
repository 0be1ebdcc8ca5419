"""Write a loaded Puray scene as the text description tests/reference/puray.c renders.

Only Puray's vocabulary: a camera position (Puray's camera), point lights, spheres with a
plain, chequered or (the test scene's own Material subclass) striped material. Numbers go as
hex floats, so the C program reads the very doubles the scene built.
"""

from __future__ import annotations

SPECULAR_K = 50.0  # Puray's exponent, unless a material says otherwise


def _hex(*values) -> str:
    return " ".join(float(v).hex() for v in values)


def _rgb(c) -> tuple[float, float, float]:
    return (float(c.x), float(c.y), float(c.z))


def _material(m) -> str:
    """Return the material's part of a sphere line: kind, coefficients, colours, width."""
    kind = type(m).__name__
    if kind == "ChequeredMaterial":
        name, c1, c2, width = "chequered", _rgb(m.color1), _rgb(m.color2), 0.0
    elif kind == "Stripes":
        name, c1, c2, width = "stripes", _rgb(m.color), _rgb(m.other), float(m.width)
    elif kind == "Material":
        name, c1, c2, width = "plain", _rgb(m.color), _rgb(m.color), 0.0
    else:
        raise TypeError(f"the C reference has no description of {kind}")
    k = float(getattr(m, "specular_k", SPECULAR_K))
    coefficients = _hex(m.ambient, m.diffuse, m.specular, m.reflection, k)
    return f"{name} {coefficients} {_hex(*c1, *c2, width)}"


def describe(scene) -> str:
    """Return the description of a loaded scene (Puray's camera, lights, spheres)."""
    camera = scene.camera.source  # Puray's camera: a Vector
    lines = [f"camera {_hex(camera.x, camera.y, camera.z)}"]
    for light in scene.lights:
        p = light.position
        lines.append(f"light {_hex(p.x, p.y, p.z, *_rgb(light.color))}")
    for obj in scene.objects:
        if type(obj).__name__ != "Sphere":
            raise TypeError(f"the C reference renders spheres only, not {type(obj).__name__}")
        c = obj.center
        lines.append(f"sphere {_hex(c.x, c.y, c.z, obj.radius)} {_material(obj.material)}")
    return "\n".join(lines) + "\n"
