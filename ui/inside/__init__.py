"""What only the "Inside RMSprop" page uses: its state, experiments and link (``state``), its sidebar panels
and cached runs (``panels``)."""
