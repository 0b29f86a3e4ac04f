"""Streamlit helpers shared by the pages: state, URL encoding, widgets, cached runs, reports.

``ui.model`` and ``ui.urlstate`` are plain Python (no Streamlit) so they can be tested
directly; ``ui.state``, ``ui.widgets``, ``ui.compute`` and ``ui.report`` use Streamlit.
"""
