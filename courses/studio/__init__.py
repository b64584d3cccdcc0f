"""Building courses and publishing them: the producer's studio, the reviewer's queue, the
course transitions (submit, approve, reject, withdraw, revisions) and their v1 calls."""
