"""weijian's benchmarks: figures, not tests. Run them all with ``python -m benchmarks`` (``make bench``).

Each ``benchmarks/registry_bench.py``, ``benchmarks/analytics_*.py`` and ``benchmarks/sim_*.py``
module has a ``main()`` that prints its figures.
"""
