"""Checks on the project itself, apart from the product:

- `lint.py`: `make lint`'s Slither gate (high and medium findings need a line in audit/slither-triage.md);
- `secrets_scan.py`: no private key, keystore or non-test mnemonic in a file of the repository;
- `abi_coverage.py`: which functions, errors and events of the contracts the tests exercised.
"""
