"""digest: the Hugging Face Daily Papers feed as Jekyll posts (package version lives here)."""

__version__ = "0.1.0"
