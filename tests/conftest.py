from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def seed_paths() -> dict[str, Path]:
    """The three seed articles, by their number."""
    return {path.name[:3]: path for path in sorted(FIXTURES.glob("0*.txt"))}
