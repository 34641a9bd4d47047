"""Where the tests' reference data lives: copies inside the repository (see tests/data/PROVENANCE.md)."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
EXAMPLES = DATA_DIR / "examples"
SIGNING_VECTORS = DATA_DIR / "signing-vectors.json"
