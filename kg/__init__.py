"""policy-kg: policy texts in, a knowledge graph with sentence-level evidence out."""

from .errors import KgError
from .pipeline import build, build_to, extract_document

__all__ = ["KgError", "build", "build_to", "extract_document"]
__version__ = "0.1.0"
