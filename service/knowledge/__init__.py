"""The sciatica knowledge base: data files, their loader and validator (no Flask here)."""

from service.knowledge.errors import KnowledgeError
from service.knowledge.loader import load_knowledge

__all__ = ["KnowledgeError", "load_knowledge"]
