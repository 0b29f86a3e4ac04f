"""The benchmark's yardstick: the barest Streamlit page with a slider and two tiny Plotly charts.

``benchmarks/bench_app.py`` times a slider move here against one on the Playground.
"""

import plotly.graph_objects as go
import streamlit as st

step = st.slider("Step", 0, 100, 100, key="step")
for i, col in enumerate(st.columns(2)):
    fig = go.Figure([
        go.Scatter(x=list(range(10)), y=[v * v for v in range(10)], mode="lines"),
        go.Scatter(x=[step / 10], y=[(step / 10) ** 2], mode="markers", meta="step-marker"),
    ])
    fig.update_layout(height=300, showlegend=False)
    col.plotly_chart(fig, key=f"chart{i}")
