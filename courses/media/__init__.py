"""Lesson media: tus uploads, probing and transcoding with ffmpeg, where files live, serving
them to those who may see them, and the producer's videos pages and v1 video calls."""
