"""`chainwatch classify`, `chainwatch train`, `chainwatch evaluate` (registered by chainwatch.cli)."""

from __future__ import annotations

from pathlib import Path

import typer

from chainwatch.errors import ChainWatchError


def register(app: typer.Typer) -> None:
    @app.command("classify")
    def classify(
        input_path: Path | None = typer.Option(
            None,
            "--input",
            "-i",
            help="JSONL file of items {id, title, text, lang?} ('-': stdin). "
            "Without it: classify the pending articles in the database.",
        ),
        output_path: Path | None = typer.Option(
            None, "--output", "-o", help="Where to write one JSON line per item ('-': stdout); needs --input."
        ),
        reclassify: bool = typer.Option(
            False, "--reclassify", help="Also classify articles already classified by the current model version."
        ),
        limit: int | None = typer.Option(None, "--limit", min=1, help="Classify at most this many articles."),
        batch_size: int = typer.Option(64, "--batch-size", min=1, help="Items per batch."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
    ) -> None:
        """Label items against the taxonomy: the database's pending articles, or a JSONL file."""
        if input_path is None and output_path is None:
            from chainwatch.runners.classify import (
                classify_pending,  # slow to import (scrapy, scipy, onnx, matplotlib): only when the command runs
            )

            summary = classify_pending(reclassify=reclassify, batch_size=batch_size, limit=limit, progress=not quiet)
            typer.echo(summary.line())
            return
        if input_path is None or output_path is None:
            raise ChainWatchError("--input and --output go together (a JSONL file in, a JSONL file out)")
        if reclassify or limit:
            raise ChainWatchError("--reclassify and --limit apply to the database, not to --input files")
        if str(input_path) != "-" and not input_path.exists():
            raise ChainWatchError(f"input file not found: {input_path}")
        from nlp.files import (
            classify_file,  # slow to import (scrapy, scipy, onnx, matplotlib): only when the command runs
        )

        summary = classify_file(
            input_path, output_path, batch_size=batch_size, progress=not quiet and str(output_path) != "-"
        )
        typer.echo(summary.line(), err=str(output_path) == "-")

    @app.command("train")
    def train(
        data: Path | None = typer.Option(None, "--data", help="Labelled JSONL (default: nlp/data/labelled.jsonl)."),
        model_dir: Path | None = typer.Option(
            None, "--model-dir", help="Where to write the model (default: nlp/model)."
        ),
    ) -> None:
        """Train the label heads on the train split, choose thresholds, print test-split metrics."""
        from nlp.training.train import (
            train as run_training,  # slow to import (scrapy, scipy, onnx, matplotlib): only when the command runs
        )

        result = run_training(data, model_dir)
        typer.echo(result.report())
        typer.echo(f"trained in {result.seconds:.0f} s")

    @app.command("evaluate")
    def evaluate(
        input_path: Path | None = typer.Option(
            None, "--input", "-i", help="Labelled JSONL (default: nlp/data/labelled.jsonl)."
        ),
        split: str = typer.Option("test", "--split", help="Which split to score: train, test or all."),
        cv: bool = typer.Option(
            False, "--cv", help="Repeated stratified cross-validation of the model variants over the train split."
        ),
        repeats: int = typer.Option(5, "--repeats", help="With --cv: how many different fold splits."),
        folds: int = typer.Option(5, "--folds", help="With --cv: folds per split."),
        variant: list[str] | None = typer.Option(
            None, "--variant", help="With --cv: only this variant (repeatable; default: all, see docs/classifier.md)."
        ),
    ) -> None:
        """Score the current model on labelled items (per label, per language), or with --cv compare the model
        variants by cross-validation (macro-F1 with intervals, paired differences, per language and kind)."""
        from nlp.training.evaluate import cross_validate  # slow (scipy, onnx)
        from nlp.training.evaluate import evaluate as run_evaluation  # the same: only when the command runs

        if cv:
            if repeats < 1 or folds < 2:
                raise ChainWatchError("--repeats must be at least 1 and --folds at least 2")
            report = cross_validate(
                input_path,
                repeats=repeats,
                folds=folds,
                variants=variant or None,
                progress=lambda line: typer.echo(line, err=True),
            )
            typer.echo(report.table())
            return
        if split not in ("train", "test", "all"):
            raise ChainWatchError("--split must be train, test or all")
        result = run_evaluation(input_path, split=None if split == "all" else split)
        typer.echo(result.report())
