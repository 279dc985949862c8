"""Set-up and process supervision for the whole service (standard library only).

Runs on the machine's own Python 3.11 before any virtual environment exists: it creates the
two environments (Rasa's and the app's, which cannot share one because Rasa 3.6 pins
pydantic 1), builds what is missing, and starts, watches and stops the processes.
"""

from repo_paths import MODELS_DIR, REPO_ROOT, VAR_DIR

VENVS_DIR = REPO_ROOT / ".venvs"

__all__ = ["MODELS_DIR", "REPO_ROOT", "VAR_DIR", "VENVS_DIR"]
