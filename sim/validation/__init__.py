"""Historical validation: the baseline's 2017-2023 history held against ../shared/FACTS.md.

targets.py computes every target from a run's own tables; runs.py runs seeds (and the
paired lever runs of the directions checks); report.py writes report.md, targets.csv
and plots. `python -m sim.validation` (command.py) ties them together.
"""
