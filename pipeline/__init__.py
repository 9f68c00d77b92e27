"""duet: clean contaminated, half machine-translated Chinese/English documents, with an audit trail."""

from .document import Change, Document, Edit, Flag, Segment
from .options import Options
from .rules import ConfigError
from .runner import Pipeline, clean

__version__ = "0.1.0"
__all__ = ["Change", "ConfigError", "Document", "Edit", "Flag", "Options", "Pipeline", "Segment", "clean"]
