"""sitrep's benchmarks (``make bench`` runs :mod:`bench.run_all`). Not part of the package."""
