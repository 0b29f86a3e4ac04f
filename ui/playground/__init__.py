"""What only the Playground uses: the result cards' sentences about how each run ended (``outcome``)."""
