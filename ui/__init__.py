"""Everything between the pages and the core: state, links, widgets, cached runs, words.

At the top, what several pages share: ``router`` (the page registry), ``state`` (one state per page and
session), ``query`` and ``urlstate`` (links), ``model`` (configurations and set-ups as plain data),
``widgets`` and ``config_editor`` (sidebar widgets from the core's parameter specs), ``compute`` (every cached
core call), ``report`` (status lines, leaderboards, CSVs), ``update_rules``, ``lessons`` and the
``live_chart`` component. Below, one package per idea only some pages use: ``setup`` (objective, formula,
start and run settings), ``schedule``, and one package per page (``sweep``, ``tune``, ``basins``, ``inside``,
``minibatch``, ``train``) with its ``state`` (plain Python, its link) and ``panel`` (its widgets). Every cached core
call is in ``compute``, except the network trainings (``train.runs``), which draw a progress bar as they go.
"""
