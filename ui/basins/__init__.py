"""What only the Basin maps page uses: its state and link (``state``), its widgets and table (``panel``)."""
