"""The curated knowledge (FAQ, plan digests, municipality facts) and the code that reads it.

Staff edit the data files here; the Python modules load and check them.
"""

from pathlib import Path

KNOWLEDGE_DIR = Path(__file__).resolve().parent
