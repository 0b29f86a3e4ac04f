"""A configuration's learning-rate schedule: the plain data and its link (``model``), its sidebar widgets and
rate chart (``panel``)."""
