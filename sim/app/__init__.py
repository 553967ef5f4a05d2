"""The teaching app: a Solara page where a seminar runs, steers and exports one model per browser session.

`python -m sim.app` serves it (sim/app/__main__.py); `session.py` wraps one class's model
(steps, lever moves, events, export, comparison run); `levers_ui.py` gathers the sliders the
lever families declare and the events the page offers; `charts.py` turns the recorded rows
into ECharts options; `page.py` is the Solara page.
"""
