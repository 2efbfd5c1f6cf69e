"""A room's public names, imported when first asked for.

Each room of `index` (library, search, linking, marks) is used from outside only through the names
its ``__init__`` lists. They load when a caller first uses one: the modules behind them may
import Whoosh, tomllib or httpx, which the reader's start-up must not pay for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def exports(package: str, where: dict[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package``: each name of ``where`` from its module there."""

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return __getattr__
