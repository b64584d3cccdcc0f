"""The course search: Chinese text analysis, the Whoosh index and its worker tasks, the
database fallback, the search page and ``flask search rebuild``."""
