"""What only the Tune page uses: its state and link (``state``), its widgets and tables (``panel``)."""
