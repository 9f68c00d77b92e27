"""duet: clean contaminated, half machine-translated Chinese/English documents, with an audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["Change", "ConfigError", "Document", "Edit", "Flag", "Options", "Pipeline", "Segment", "clean"]

# The names are imported when first used (PEP 562): the command line imports only what a run needs (a
# rerun with nothing to clean sets up no stage and imports none), and ``import pipeline`` stays cheap.
def __getattr__(name: str):
    if name in ("Change", "Document", "Edit", "Flag", "Segment"):
        from . import document as home
    elif name == "Options":
        from . import options as home
    elif name == "ConfigError":
        from . import rules as home
    elif name in ("Pipeline", "clean"):
        from . import runner as home
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = getattr(home, name)
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:
    from .document import Change, Document, Edit, Flag, Segment
    from .options import Options
    from .rules import ConfigError
    from .runner import Pipeline, clean
