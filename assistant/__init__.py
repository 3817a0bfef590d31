"""MS stem-cell evidence assistant."""

import os

# OpenMP threads that wait by sleeping, not by spinning first. This must be set before torch is
# first imported; torch is imported lazily by assistant/embeddings.py, after this. With another busy
# process on the cores (a second replica, an indexing job), torch's default wait made one query
# embedding stall for about 500 ms at p95 on the 2-core build machine; passive waiting kept it near
# 30 ms (bench/hotpath.py; README, Performance). Set OMP_WAIT_POLICY yourself to override it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
