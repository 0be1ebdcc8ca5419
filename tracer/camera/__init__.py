"""Cameras: scene cameras that turn pixels into rays, views as plain numbers, camera code."""

from .cameras import Camera, LookAtCamera, PurayCamera

__all__ = ["Camera", "LookAtCamera", "PurayCamera"]
