"""Entangle: an agent-based model of AI entanglements between the EU, China and the US."""

__version__ = "0.1.0"
