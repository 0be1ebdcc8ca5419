"""The virus poster, animated to a beat: on every beat the crown springs out and turns a
quarter of a circle, then settles; four beats make a seamless two-second loop.

    puray render scenes/coronavirus_animated.py -o virus.gif
    puray render scenes/coronavirus_animated.py -o virus.mp4 --frame 6   (one frame: a still)

While the scene loads, FRAME (0 to FRAMES - 1) says which frame this is and T = FRAME / FRAMES
how far through the loop. The spikes' random nudges are drawn the same in every frame (every
frame is seeded alike), so the crown keeps its shape while it moves.
"""

import math
import random

from tracer import Color, Light, LookAtCamera, Material, Point, Sphere

FRAMES = 48
FPS = 24
BEATS = 4  # 120 beats per minute at 24 frames per second

WIDTH = 960
HEIGHT = 540
CAMERA = LookAtCamera(Point(0, 0, -1), look_at=Point(0, 0, 0), fov=60)

CORE_RADIUS = 0.2
SPIKES = 32
STALK_SPHERES = 3
STALK_RADIUS = 0.008
BLOB_RADIUS = 0.01

CORE = Material(Color.from_hex("#FF7701"))
STALK = Material(Color.from_hex("#d47721"))
BLOB = Material(Color.from_hex("#febd14"))

# Where in the beat this frame is: 0 on the beat, rising to 1 just before the next one
beat, phase = divmod(T * BEATS, 1.0)
PULSE = math.exp(-5 * phase)  # a sharp attack, then the spring settles
TURN = 1 - (1 - min(1.0, 3 * phase)) ** 3  # a quick quarter turn, eased out, in a third of a beat
ROTATION = 90 * (beat + TURN)  # degrees; four beats make a whole turn


def spike(degrees, stretch, core):
    """Return Puray's spike at ``degrees`` from straight down, its stalk ``stretch``ed."""
    angle = math.radians(degrees)
    spheres = []
    for k in range(STALK_SPHERES):
        d = core + k * STALK_RADIUS * stretch
        center = Point(d * math.sin(angle), d * math.cos(angle), 0)
        spheres.append(Sphere(center, STALK_RADIUS, STALK))
    d = core + (STALK_SPHERES - 1) * STALK_RADIUS * stretch + BLOB_RADIUS
    spheres.append(Sphere(Point(d * math.sin(angle), d * math.cos(angle), 0), BLOB_RADIUS, BLOB))
    return spheres


core_radius = CORE_RADIUS * (1 + 0.04 * PULSE)
OBJECTS = [Sphere(Point(0, 0, 0), core_radius, CORE)]
for i in range(SPIKES):
    nudge = random.randint(-2, 2)  # drawn before anything depends on FRAME: the same every frame
    OBJECTS += spike(i * 360 / SPIKES + nudge + ROTATION, 1 + 1.2 * PULSE, core_radius)

LIGHTS = [Light(Point(1.5, -0.5, -10), Color.from_hex("#FF4900"))]
