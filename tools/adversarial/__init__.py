"""Adversarial harness for archive-cli (issue 16): ``python -m tools.adversarial --help``."""
