"""Where the tests' inputs live: the repository, its corpus, and the real letters beside it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS = sorted(CORPUS.glob("0*.txt"))
# 194 real determinations beside the repository (never copied into it); absent on a user's machine.
REAL = ROOT.parent / "shared" / "real"
