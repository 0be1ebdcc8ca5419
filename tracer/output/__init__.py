"""Pictures out: PNG and PPM files, and animations (GIF, APNG, WebP, MP4, image sequences)."""
