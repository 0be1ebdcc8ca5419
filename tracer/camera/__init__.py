"""Cameras: scene cameras that turn pixels into rays, views as plain numbers, camera code."""
