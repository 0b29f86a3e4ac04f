"""What only the Sweep page uses: its state and link (``state``), its zoom windows and trail (``zoom``), its
widgets and words (``panel``)."""
