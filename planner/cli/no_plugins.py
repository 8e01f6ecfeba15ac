"""The planner uses no pydantic plugin, and does not look for one.

Building a pydantic model's validator asks pydantic's plugin loader for plugins; that loader
imports :mod:`importlib.metadata` (and with it ``email``, ``zipfile``, ``csv``...) to read the
``pydantic`` entry points of every installed package: about 0.02 s of CPU in every ``planner``
process, a tenth of a ``planner incident note``. The planner's entry point (:func:`planner.cli.run`)
calls :func:`skip_pydantic_plugins` before pydantic is imported, which does what
``PYDANTIC_DISABLE_PLUGINS=__all__`` does (no plugin is loaded, so a plugin installed in the same
environment does not see the planner's models) without the import. Anything else of pydantic's
loader that a pydantic version asks for is taken from the real module, imported then.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterable

LOADER = "pydantic.plugin._loader"


def skip_pydantic_plugins() -> None:
    """Stand in for pydantic's plugin loader with one that finds no plugin (unless pydantic's
    own was imported already: then it decides, as it always did)."""
    if LOADER in sys.modules:
        return
    stand_in = types.ModuleType(LOADER, __doc__)
    stand_in.get_plugins = _no_plugins  # type: ignore[attr-defined]
    stand_in.__getattr__ = _from_the_real_loader  # type: ignore[method-assign]
    sys.modules[LOADER] = stand_in


def _no_plugins() -> Iterable[object]:
    """What pydantic's ``get_plugins`` returns under ``PYDANTIC_DISABLE_PLUGINS=__all__``."""
    return ()


def _from_the_real_loader(name: str) -> object:
    """A name the stand-in has not: pydantic's own loader is imported in its place, and asked
    (not for a module's special names, such as the ``__file__`` that :mod:`inspect` asks every
    module for when pydantic reads a model's field docstrings)."""
    if name.startswith("__"):
        raise AttributeError(name)
    stand_in = sys.modules.pop(LOADER)
    try:
        real = importlib.import_module(LOADER)
    except ImportError:
        sys.modules[LOADER] = stand_in
        raise
    return getattr(real, name)
