"""References written from the math, not from the engine: a brute-force tracer, a C renderer."""
