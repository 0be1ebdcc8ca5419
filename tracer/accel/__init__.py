"""Acceleration structures: every object of a scene as primitives, a uniform grid walked by
numpy or compiled code, direction bins for primary rays; shape-agnostic, exact."""
