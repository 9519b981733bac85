"""Evaluation commands: ``python -m tools.evaluate parse|legacy|search``.

Each sub-command lives in its own module with ``main(argv: list[str]) -> int``.
"""
