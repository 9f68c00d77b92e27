"""Golden outputs: every sample cleans to its committed expected output.

When a stage changes the output on purpose, regenerate with ``python scripts/update_golden.py`` and
commit the new expected files with the change that explains them."""

from pathlib import Path

import pytest

from conftest import SAMPLES
from pipeline import Pipeline
from pipeline.document import replay
from pipeline.runner import format_for

CASES = sorted(p for p in SAMPLES.iterdir() if p.is_file())


@pytest.mark.parametrize("sample", CASES, ids=lambda p: p.name)
def test_sample_matches_its_golden_output(sample: Path):
    pipeline = Pipeline()
    expected = SAMPLES / "expected" / (sample.name + ".expected")
    assert expected.exists(), f"no golden file for {sample.name}: run scripts/update_golden.py"
    data = sample.read_bytes()
    doc = pipeline.clean_bytes(data, source=str(sample), format=format_for(sample.name, pipeline.options))
    assert doc.text == expected.read_text(encoding="utf-8")
    assert replay(data.decode("utf-8"), doc.changes) == doc.text
