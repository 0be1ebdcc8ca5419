"""Write a :class:`peer_scenes.Spec` for POV-Ray 3.7 and Mitsuba 3, and as Embree's input.

How close each model gets to Puray's (ambient + per light Lambert diffuse and Blinn-Phong
specular of exponent 50, mirror ``reflection``, no light falloff):

- POV-Ray: the same terms (``specular`` with ``roughness 1/50`` is Blinn-Phong of exponent 50,
  ``reflection`` adds r times the mirrored ray); POV-Ray's diffuse and ambient also take the
  light's and the pigment's colour (Puray's use white). Its world is left-handed with y up:
  y is negated. Puray's own camera (a window on z = 0) becomes POV-Ray's sheared frustum
  exactly; the window's outer pixel centres land where Puray's do.
- Mitsuba: direct lighting (``direct``: one shadow ray per light and pixel, so shadows are
  always on and mirror bounces are not traced), ``roughplastic`` for diffuse + specular,
  point lights scaled by pi d^2 so that their falloff and the BSDF's 1/pi leave the diffuse
  term at Puray's brightness around the camera's target, no ambient term, a chessboard as
  its mean colour, a ball of radius 1000 or more (Puray's ground) as the plane touching
  its top (float32 misses and finds hits on it); Puray's off-axis camera is its principal
  point offset.
- Embree: the meshes' triangles in float32, cast with Puray's camera rays.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from peer_meshes import write_obj
from peer_scenes import Ball, Finish, Floor, Model, Spec, View

SPECULAR_K = 50  # Puray's Blinn-Phong exponent
#: Mitsuba traces in float32: a ball this large (Puray's ground) becomes its top's tangent plane.
HUGE = 1000.0


def _pov(v) -> str:
    """Return a Puray point or direction in POV-Ray's left-handed, y-up world."""
    return f"<{v[0]:.9g}, {-v[1]:.9g}, {v[2]:.9g}>"


def _rgb(c) -> str:
    return f"rgb <{c[0]:.6g}, {c[1]:.6g}, {c[2]:.6g}>"


def _window(half: float, width: int, height: int) -> tuple[float, float]:
    """Return the (width, height) at distance 1 of an image whose outer pixel centres lie
    ``half`` left and right of the centre: the plane's extent edge to edge."""
    across = 2 * half * width / max(1, width - 1)  # Puray's fov spans the outer pixel centres
    return across, 2 * half * height / width * height / max(1, height - 1)


def pov_camera(view: View, width: int, height: int) -> str:
    """Return a POV-Ray camera with Puray's rays through the pixel centres."""
    if view.sheared:  # Puray's camera: a window x in [-1, 1] on z = 0, centred on the origin
        x, y, z = view.position
        right, up = _window(1 / abs(z), width, height)
        d = (-x / abs(z), -y / abs(z), 1.0)
        return (
            f"camera {{ perspective location {_pov(view.position)} direction {_pov(d)}\n"
            f"  right x*{right:.9g} up y*{up:.9g} }}\n"
        )
    right, up = _window(math.tan(math.radians(view.fov) / 2), width, height)
    return (
        f"camera {{ perspective location {_pov(view.position)} direction z\n"
        f"  right x*{right:.9g} up y*{up:.9g} sky y look_at {_pov(view.look_at)} }}\n"
    )


def pov_texture(f: Finish) -> str:
    if f.checker is None:
        pigment = f"pigment {{ color {_rgb(f.color)} }}"
    else:  # Puray: colour 1 where int((x + 5) * 3) and int(z * 3) have the same parity
        pigment = (
            f"pigment {{ checker color {_rgb(f.checker)} color {_rgb(f.color)}\n"
            "    scale <1/3, 1e6, 1/3> translate <-5, 0, 0> }"
        )
    finish = f"ambient {f.ambient:.6g} diffuse {f.diffuse:.6g} reflection {f.reflection:.6g}"
    if f.specular:
        finish += f" specular {f.specular:.6g} roughness {1 / SPECULAR_K:.6g}"
    return f"texture {{ {pigment}\n  finish {{ {finish} }} }}"


def write_pov(spec: Spec, folder: Path) -> Path:
    """Write ``spec`` as ``folder/<name>.pov`` (meshes as mesh2 in ``<name>_<i>.inc``)."""
    textures: dict[Finish, int] = {}
    body = []
    for k, item in enumerate(spec.items):
        t = textures.setdefault(item.finish, len(textures))
        if isinstance(item, Ball):
            body.append(f"sphere {{ {_pov(item.center)}, {item.radius:.9g} texture {{ T{t} }} }}")
        elif isinstance(item, Floor):
            n = np.array(item.normal) / np.linalg.norm(item.normal)
            d = float(np.dot(n, item.point))  # negating y in both leaves the product
            body.append(f"plane {{ {_pov(n)}, {d:.9g} texture {{ T{t} }} }}")
        else:
            inc = folder / f"{spec.name}_{k}.inc"
            _write_mesh2(inc, item, f"Mesh{k}")
            body.append(f'#include "{inc.name}"\nobject {{ Mesh{k} texture {{ T{t} }} }}')
    head = [
        "#version 3.7;",
        f"global_settings {{ assumed_gamma 1.0 max_trace_level {spec.depth + 1}",
        "  ambient_light rgb 1 }",
        pov_camera(spec.view, spec.width, spec.height),
    ]
    shadowless = "" if spec.shadows else " shadowless"
    head += [f"light_source {{ {_pov(p)} color {_rgb(c)}{shadowless} }}" for p, c in spec.lights]
    head += [f"#declare T{t} = {pov_texture(f)}" for f, t in textures.items()]
    path = folder / f"{spec.name}.pov"
    path.write_text("\n".join(head + body) + "\n")
    return path


def _write_mesh2(path: Path, m: Model, name: str) -> None:
    v = m.vertices * (1, -1, 1)
    rows = [f"#declare {name} = mesh2 {{", f"vertex_vectors {{ {len(v)},"]
    rows.append(",\n".join(f"<{x:.7f},{y:.7f},{z:.7f}>" for x, y, z in v.tolist()) + " }")
    if m.normals is not None:
        n = m.normals * (1, -1, 1)
        rows.append(f"normal_vectors {{ {len(n)},")
        rows.append(",\n".join(f"<{x:.7f},{y:.7f},{z:.7f}>" for x, y, z in n.tolist()) + " }")
    rows.append(f"face_indices {{ {len(m.faces)},")
    rows.append(",\n".join(f"<{a},{b},{c}>" for a, b, c in m.faces.tolist()) + " }")
    path.write_text("\n".join(rows) + "\n}\n")


def _mi_rgb(name: str, c) -> str:
    return f'<rgb name="{name}" value="{c[0]:.6g}, {c[1]:.6g}, {c[2]:.6g}"/>'


def _xyz(v) -> str:
    return f'x="{v[0]:.9g}" y="{v[1]:.9g}" z="{v[2]:.9g}"'


def mitsuba_bsdf(f: Finish, ident: str) -> str:
    color = f.color
    if f.checker is not None:
        color = tuple((a + b) / 2 for a, b in zip(f.color, f.checker, strict=True))
    albedo = tuple(c * f.diffuse for c in color)
    if f.specular:
        inner = (
            f'<bsdf type="roughplastic">{_mi_rgb("diffuse_reflectance", albedo)}'
            '<float name="alpha" value="0.1"/>'
            f'<float name="specular_reflectance" value="{f.specular:.6g}"/></bsdf>'
        )
    else:
        inner = f'<bsdf type="diffuse">{_mi_rgb("reflectance", albedo)}</bsdf>'
    return f'<bsdf type="twosided" id="{ident}">{inner}</bsdf>'


def mitsuba_sensor(view: View, w: int, h: int) -> str:
    """Return a perspective sensor with Puray's pixel centres (its sheared frustum too)."""
    target, shift = view.look_at, ""
    if view.sheared:  # straight along +z; the principal point moves to the window's centre
        x, y, z = view.position
        across, up = _window(1 / abs(z), w, h)
        target = (x, y, z + 1.0)
        shift = (
            f'<float name="principal_point_offset_x" value="{-x / abs(z) / across:.9g}"/>'
            f'<float name="principal_point_offset_y" value="{-y / abs(z) / up:.9g}"/>'
        )
    else:
        across = _window(math.tan(math.radians(view.fov) / 2), w, h)[0]
    fov = math.degrees(2 * math.atan(across / 2))
    return (
        f'<sensor type="perspective"><float name="fov" value="{fov:.9g}"/>{shift}'
        '<string name="fov_axis" value="x"/><float name="near_clip" value="0.001"/>'
        f'<transform name="to_world"><lookat origin="{_csv(view.position)}" '
        f'target="{_csv(target)}" up="0, -1, 0"/></transform>'
        '<sampler type="independent"><integer name="sample_count" value="1"/></sampler>'
        f'<film type="hdrfilm"><integer name="width" value="{w}"/>'
        f'<integer name="height" value="{h}"/><rfilter type="box"/>'
        '<string name="pixel_format" value="rgb"/><string name="file_format" value="pfm"/>'
        "</film></sensor>"
    )


def write_mitsuba(spec: Spec, folder: Path) -> Path:
    """Write ``spec`` as ``folder/<name>.xml`` for Mitsuba 3 (meshes as OBJ beside it)."""
    rows = [
        '<scene version="3.0.0">',
        f'<integrator type="direct"><integer name="emitter_samples" value="{len(spec.lights)}"/>'
        '<integer name="bsdf_samples" value="0"/></integrator>',
        mitsuba_sensor(spec.view, spec.width, spec.height),
    ]
    for p, c in spec.lights:
        scale = math.pi * math.dist(p, spec.view.look_at) ** 2
        power = _mi_rgb("intensity", tuple(x * scale for x in c))
        rows.append(f'<emitter type="point"><point name="position" {_xyz(p)}/>{power}</emitter>')
    bsdfs: dict[Finish, str] = {}
    for k, item in enumerate(spec.items):
        if item.finish not in bsdfs:
            bsdfs[item.finish] = f"m{len(bsdfs)}"
            rows.append(mitsuba_bsdf(item.finish, bsdfs[item.finish]))
        ref = f'<ref id="{bsdfs[item.finish]}"/>'
        rows.append(_mi_shape(item, ref, folder / f"{spec.name}_{k}.obj"))
    path = folder / f"{spec.name}.xml"
    path.write_text("\n".join([*rows, "</scene>"]) + "\n")
    return path


def _csv(v) -> str:
    return f"{v[0]:.9g}, {v[1]:.9g}, {v[2]:.9g}"


def _mi_shape(item, ref: str, obj: Path) -> str:
    if isinstance(item, Ball) and item.radius >= HUGE:  # Puray's ground: its tangent plane
        ground = (item.center[0], item.center[1] - item.radius, item.center[2])
        item = Floor(ground, (0.0, -1.0, 0.0), item.finish)
    if isinstance(item, Ball):
        return (
            f'<shape type="sphere"><point name="center" {_xyz(item.center)}/>'
            f'<float name="radius" value="{item.radius:.9g}"/>{ref}</shape>'
        )
    if isinstance(item, Floor):
        target = tuple(p + n for p, n in zip(item.point, item.normal, strict=True))
        up = "0, 0, 1" if abs(item.normal[2]) < 0.9 else "1, 0, 0"
        return (
            '<shape type="rectangle"><transform name="to_world"><scale value="1000"/>'
            f'<lookat origin="{_csv(item.point)}" target="{_csv(target)}" up="{up}"/>'
            f"</transform>{ref}</shape>"
        )
    normals = item.normals if item.normals is not None else None
    if normals is None:
        normals = np.zeros_like(item.vertices)  # unused: flat shading below
    write_obj(obj, item.vertices, item.faces, normals)
    flat = "true" if item.normals is None else "false"
    return (
        f'<shape type="obj"><string name="filename" value="{obj.name}"/>'
        f'<boolean name="face_normals" value="{flat}"/>{ref}</shape>'
    )


def embree_input(spec: Spec) -> np.ndarray:
    """Return the scene's mesh triangles as an (m, 3, 3) float32 array (Embree's input)."""
    tris = [m.vertices[m.faces] for m in spec.items if isinstance(m, Model)]
    return np.concatenate(tris).astype(np.float32)
