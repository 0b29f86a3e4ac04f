"""What only the Train a network page uses: its state and link (``state``), its cached points, trainings,
boundaries and slices (``runs``), its sidebar (``panel``) and what it says about the runs (``report``)."""
