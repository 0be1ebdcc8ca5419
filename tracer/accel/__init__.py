"""Acceleration structures: every object of a scene as primitives, in a hierarchy walked by
compiled code (numba) or a uniform grid and direction bins walked by numpy; exact."""
