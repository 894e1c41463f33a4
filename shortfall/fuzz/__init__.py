"""The stateful fuzzer's machinery (the state machine itself is tests/stateful/machine.py).

- `harness.py`: the fast path to the chain, batched JSON-RPC with no ape on the hot path;
- `invariants.py`: the invariants, each with an ID and one line of prose, and the per-step checks;
- `mutants.py`: `make mutants`, named mutations of contracts/ that the fuzzer must kill;
- `report.py`: `make fuzz`'s non-vacuity verdict on a run's statistics.
"""
