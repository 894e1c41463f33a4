"""Benchmarks: `gas.py`, receipt gasUsed of the main operations on Anvil in a stated steady state
(`ape run gas`)."""
