"""Crash replays: a scenario (shortfall.replay.scenario) walked on Anvil (`ChainEngine`, the truth) or on the
reference model (`ModelEngine`), with the same population, oracle and keepers, and the same results.

- `scenario.py`: the scenario format and its validation;
- `market.py`: the price timeline and the oracle model (heartbeat, deviation, clamp, freeze);
- `population.py`: the seeded LPs and borrowers;
- `engines.py`: the two engines behind one interface (`setup`, `block`, `read`);
- `driver.py`: the walk (prices, accrual, keepers, realizations) and its per-step records;
- `summary.py`: steps.csv, lps.csv and summary.json (the summary is a function of the two CSVs);
- `report.py`: report.md and the charts; `sweep.py`: parameter grids on Dask.
"""
