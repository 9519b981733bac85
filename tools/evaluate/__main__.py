from __future__ import annotations

import importlib
import sys

COMMANDS = {"parse": "parse", "legacy": "legacy", "search": "search", "knownitem": "knownitem", "titles": "titles",
            "ocr": "ocr"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        print("usage: python -m tools.evaluate {parse|legacy|search|knownitem|titles|ocr} [options]", file=sys.stderr)
        return 2
    module = importlib.import_module(f"tools.evaluate.{COMMANDS[argv[0]]}")
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
