"""Rewrite samples/expected/<sample>.expected from the current pipeline (default options).

Review the diff before committing: a golden file changes only when a stage changes on purpose."""

from pathlib import Path

from pipeline import Pipeline
from pipeline.files import write_atomic
from pipeline.runner import format_for

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def main() -> None:
    pipeline = Pipeline()
    for sample in sorted(p for p in SAMPLES.iterdir() if p.is_file()):
        doc = pipeline.clean_bytes(sample.read_bytes(), source=str(sample),
                                   format=format_for(sample.name, pipeline.options))
        target = SAMPLES / "expected" / (sample.name + ".expected")
        write_atomic(target, doc.text.encode("utf-8"))
        print(f"{target.relative_to(SAMPLES.parent)}: {len(doc.changes)} changes")


if __name__ == "__main__":
    main()
