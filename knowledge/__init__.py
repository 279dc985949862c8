"""The curated knowledge (FAQ, plan digests, municipality facts) and the code that reads it.

Staff edit the data files here; the Python modules load and check them.
"""

from repo_paths import KNOWLEDGE_DIR

__all__ = ["KNOWLEDGE_DIR"]
