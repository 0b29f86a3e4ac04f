"""What only the Mini-batch page uses: its state, data and link (``state``), its widgets (``panel``), its
cached data and training runs (``training``), and why one direction oscillates (``curvature``)."""
