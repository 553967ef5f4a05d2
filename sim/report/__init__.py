"""A brief an analyst can send on: one self-contained HTML page (and Markdown) from a results folder.

`python -m sim.report DIR` reads a comparison folder (`python -m sim.compare`) or a sweep folder
(`python -m sim --multirun`, with any `python -m sim.analyze` results in it) and writes
`brief.html` and `brief.md` into it: the question, the scenarios and their measures, the headline
effects with intervals, the charts, the robustness and sensitivity findings, the model's validation
status and the commands that reproduce it. The HTML embeds its images, so it reads offline.
"""
