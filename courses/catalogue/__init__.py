"""The public catalogue: home, category and course pages, the lesson player page, and the
v1 catalogue calls."""
