"""The ray-tracing kernel: a loaded scene's arrays, the bounce loop and its named stages, and
the render unit (a block of rows of one loaded scene)."""
