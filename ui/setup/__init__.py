"""The run's set-up in the sidebar: objective (a built-in function or a person's own formula), start point
and run settings, shared by the Playground, Compare, Sweep, Tune, Inside and Mini-batch pages."""
