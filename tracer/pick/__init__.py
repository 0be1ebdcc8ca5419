"""Pixel provenance: the path of one pixel's ray through the kernel's stages."""
