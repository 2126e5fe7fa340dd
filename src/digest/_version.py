"""The version of digest, alone: anything may import it without importing the pipeline."""

__version__ = "0.1.0"
