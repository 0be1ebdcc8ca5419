"""The showcase scene seen from a camera that swings around it and back: a seamless loop.

The balls, floor, sky and lights are the showcase's own (imported from showcase.py, so editing
it changes this animation too); only the camera moves. Like the showcase, it asks for shadows
and 2 x 2 samples (SETTINGS below)::

    puray render scenes/showcase_orbit.py -o orbit.mp4
"""

import math

from showcase import FLOOR_Y, LIGHTS, OBJECTS  # noqa: F401 - a scene's OBJECTS and LIGHTS

from tracer import LookAtCamera, Point

FRAMES = 72
FPS = 24

WIDTH = 960
HEIGHT = 540
SETTINGS = {"shadows": True, "samples": 2}

CENTER = Point(0, 0.05, 1.2)  # the mirror ball
DISTANCE = 4.8  # from the centre, along the floor
SWING = 70  # degrees to either side of the showcase's own view

# One sine period per loop: out to the right, back, out to the left, back; T = FRAME / FRAMES
angle = math.radians(SWING) * math.sin(2 * math.pi * T)
height = -1.1 - 0.5 * (1 - math.cos(2 * math.pi * T)) / 2  # rises a little on the way
CAMERA = LookAtCamera(
    Point(CENTER.x + DISTANCE * math.sin(angle), height, CENTER.z - DISTANCE * math.cos(angle)),
    look_at=CENTER,
    fov=55,
)
