"""The attacks `tests/bench/attack.py` runs, one module a kind of attack (see that script)."""
