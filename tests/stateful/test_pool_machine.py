"""Runs the stateful fuzzer (tests/stateful/machine.py) under the hypothesis profile in force:
`ci` inside `make test`, `fuzz` for `make fuzz`."""

import os

from hypothesis import settings

PROFILE = os.environ.get("SHORTFALL_FUZZ_PROFILE", "ci")


def test_pool_machine(fuzz_chain):
    settings.load_profile(PROFILE)
    machine = fuzz_chain.TestCase
    machine.settings = settings.get_profile(PROFILE)
    machine().runTest()
