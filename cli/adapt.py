"""`gobang adapt`: dialect adaptation steps (folds, accent ID, language model, evaluation, exports)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.errors import one_line_errors
from cli.inputs import read_glossary
from core.manifest import ManifestRow, read_manifest
from core.settings import get_settings
from core.text import normalize_for_scoring

console = Console()

adapt_app = typer.Typer(
    help="Thích nghi giọng vùng miền: chia phần, nhận diện giọng, mô hình ngôn ngữ, đánh giá (dialect adaptation).",
    no_args_is_help=True,
)

DEFAULT_MANIFEST = Path(__file__).resolve().parents[2] / "shared" / "evaldata" / "cv9_vi_dev" / "MANIFEST.tsv"

Manifest = Annotated[
    Path, typer.Option("--manifest", "-m", help="Tệp MANIFEST.tsv (audio_path, reference_text, speaker, region...).")
]
Folds = Annotated[int, typer.Option("--folds", "-k", min=2, help="Số phần tách theo người nói (speaker folds).")]


def _rows(manifest: Path) -> list[ManifestRow]:
    return [r for r in read_manifest(manifest) if normalize_for_scoring(r.reference_text)]


@adapt_app.command("folds")
@one_line_errors
def folds_command(manifest: Manifest = DEFAULT_MANIFEST, folds: Folds = 5) -> None:
    """Chia người nói thành các phần không giao nhau, cân theo vùng (speaker-disjoint folds)."""
    from dialect_adapt.folds import assign_folds, region_of

    rows = _rows(manifest)
    assignment = assign_folds(rows, folds)
    regions = sorted({region_of(r) for r in rows})
    table = Table("phần (fold)", "người nói", *regions)
    for fold in range(folds):
        members = [r for r in rows if assignment[r.speaker] == fold]
        counts = [str(sum(region_of(r) == g for r in members)) for g in regions]
        table.add_row(str(fold), str(len({r.speaker for r in members})), *counts)
    console.print(table)


@adapt_app.command("accent-train")
@one_line_errors
def accent_train(
    manifest: Manifest = DEFAULT_MANIFEST,
    folds: Folds = 5,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Tệp mô hình .npz (mặc định theo cấu hình).")] = None,
) -> None:
    """Huấn luyện bộ nhận diện giọng vùng miền trên nhúng CAM++; in độ chính xác kiểm chéo theo người nói."""
    import numpy as np

    from dialect_adapt.accent import AccentClassifier, cross_validate
    from dialect_adapt.features import FeatureStore
    from dialect_adapt.folds import assign_folds, region_of

    rows = _rows(manifest)
    features = FeatureStore().get_all(rows)
    embeddings = np.stack([f.embedding for f in features])
    regions, speakers = [region_of(r) for r in rows], [r.speaker for r in rows]
    report = cross_validate(embeddings, regions, speakers, assign_folds(rows, folds))
    table = Table("vùng (region)", "người nói", "đúng (accuracy)")
    for i, label in enumerate(report.labels):
        table.add_row(label, str(int(report.confusion[i].sum())), f"{report.accuracy(label):.1%}")
    table.add_row("tất cả", str(int(report.confusion.sum())), f"{report.accuracy():.1%}")
    console.print(table)
    path = out or get_settings().adapt.accent_model or get_settings().home / "adapt" / "accent.npz"
    AccentClassifier.train(embeddings, regions, speakers).save(path)
    console.print(f"Đã lưu mô hình: {path}")


@adapt_app.command("lm-train")
@one_line_errors
def lm_train(
    text: Annotated[
        list[Path] | None, typer.Option("--text", "-t", help="Tệp văn bản UTF-8, mỗi dòng một câu (lặp lại được).")
    ] = None,
    manifest: Annotated[
        Path | None, typer.Option("--manifest", "-m", help="Thêm câu tham chiếu của manifest này (ví dụ bản đã sửa).")
    ] = None,
    glossary: Annotated[
        Path | None, typer.Option(help="Bảng thuật ngữ: mỗi dòng một tên/thuật ngữ (# là chú thích).")
    ] = None,
    order: Annotated[int, typer.Option(min=1, max=5, help="Bậc n-gram (order).")] = 3,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Tệp mô hình (mặc định theo cấu hình).")] = None,
) -> None:
    """Huấn luyện mô hình ngôn ngữ âm tiết (từ điển pyvi, địa danh, thuật ngữ, văn bản đã sửa)."""
    from dialect_adapt.corpus import read_texts, train_lm
    from dialect_adapt.engine_decoder import default_lm_path

    texts = read_texts(text or [])
    if manifest is not None:
        texts += [r.reference_text for r in read_manifest(manifest)]
    lm = train_lm(texts, glossary=read_glossary(glossary), order=order)
    path = out or default_lm_path()
    lm.save(path)
    console.print(f"Đã lưu mô hình ngôn ngữ ({len(lm.vocabulary)} âm tiết, bậc {order}): {path}")


@adapt_app.command("lm-build")
@one_line_errors
def lm_build(
    corpus: Annotated[
        Path,
        typer.Option(
            "--corpus",
            "-c",
            exists=True,
            dir_okay=False,
            help="Kho văn bản pháp luật laws.txt.gz (chỉ dùng các văn bản huấn luyện).",
        ),
    ],
    glossary: Annotated[
        Path | None, typer.Option(help="Bảng thuật ngữ: mỗi dòng một tên/thuật ngữ (# là chú thích).")
    ] = None,
    min_count: Annotated[
        tuple[int, int],
        typer.Option(help="Số lần gặp tối thiểu để giữ một bigram và một trigram (cắt tỉa, pruning)."),
    ] = (5, 10),
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Tệp ARPA .arpa.gz (mặc định theo cấu hình).")] = None,
) -> None:
    """Xây mô hình ngôn ngữ trigram âm tiết từ kho văn bản pháp luật (bản đi kèm gobang được làm bằng lệnh này)."""
    from dialect_adapt.corpus import base_texts
    from dialect_adapt.engine_decoder import built_lm_path
    from dialect_adapt.lm_build import build_backoff_lm, corpus_sentences

    lm = build_backoff_lm(
        corpus_sentences(corpus, base_texts(read_glossary(glossary))), order=3, min_counts=(1, *min_count)
    )
    path = out or built_lm_path()
    lm.save(path)
    console.print(f"Đã lưu mô hình ngôn ngữ ({len(lm.vocabulary)} âm tiết, {len(lm.ngrams)} n-gram): {path}")


@adapt_app.command("eval")
@one_line_errors
def eval_command(manifest: Manifest = DEFAULT_MANIFEST, folds: Folds = 5) -> None:
    """Đánh giá WER theo vùng cho từng cấu hình, trên các phần người nói chưa từng thấy."""
    from dialect_adapt.evaluation import CONFIGS, region_wer, run_folds
    from dialect_adapt.features import FeatureStore
    from dialect_adapt.folds import assign_folds

    rows = _rows(manifest)
    run = run_folds(rows, FeatureStore().get_all(rows), assign_folds(rows, folds))
    scores = {c.name: region_wer(rows, run.hypotheses[c.name]) for c in CONFIGS}
    columns = list(next(iter(scores.values())))
    table = Table("cấu hình (config)", *columns)
    for name, by_region in scores.items():
        table.add_row(name, *(f"{by_region[c]:.2%}" for c in columns))
    console.print(table)


@adapt_app.command("export-corrections")
@one_line_errors
def export_corrections(
    out: Annotated[Path, typer.Option("--out", "-o", help="Thư mục xuất: MANIFEST.tsv và audio/.")],
    recording: Annotated[
        list[str] | None, typer.Option("--recording", "-r", help="Mã bản ghi (lặp lại được); mặc định: tất cả.")
    ] = None,
    all_segments: Annotated[bool, typer.Option("--all-segments", help="Xuất cả đoạn chưa được thư ký duyệt.")] = False,
) -> None:
    """Xuất các đoạn thư ký đã duyệt thành dữ liệu huấn luyện (manifest âm thanh + văn bản + vùng)."""
    from core.blobs import open_blob_store
    from dialect_adapt.clerk_corrections import export_segments, stored_recordings

    settings = get_settings()
    recordings = stored_recordings(settings, open_blob_store(settings), recording or [])
    rows = export_segments(recordings, out, reviewed_only=not all_segments)
    console.print(f"Đã xuất {len(rows)} đoạn vào {out / 'MANIFEST.tsv'}")


@adapt_app.command("finetune")
@one_line_errors
def finetune_command(
    manifest: Annotated[
        Path, typer.Option("--manifest", "-m", help="Manifest huấn luyện (ví dụ từ export-corrections).")
    ],
    name: Annotated[str, typer.Option("--name", "-n", help="Tên mô hình mới trong danh mục (model name).")],
    base: Annotated[
        str | None, typer.Option(help="Mô hình whisper gốc: tên trong danh mục hoặc thư mục CTranslate2.")
    ] = None,
    steps: Annotated[int, typer.Option(min=1, help="Số bước tối ưu (optimisation steps).")] = 200,
    batch_size: Annotated[int, typer.Option(min=1, help="Số đoạn mỗi bước.")] = 8,
    learning_rate: Annotated[
        float, typer.Option(help="Tốc độ học (1e-3 cho LoRA, ~1e-5 khi tinh chỉnh toàn bộ).")
    ] = 1e-3,
    lora_rank: Annotated[int, typer.Option(min=0, help="Hạng LoRA; 0 = tinh chỉnh toàn bộ trọng số.")] = 16,
    device: Annotated[str, typer.Option(help="cpu hoặc cuda.")] = "cpu",
) -> None:
    """Tinh chỉnh engine whisper trên manifest (LoRA hoặc toàn bộ), chuyển lại CTranslate2 và đăng ký mô hình."""
    from dialect_adapt.finetune import FineTuneSettings, finetune_ct2
    from models import resolve

    rows = read_manifest(manifest)
    base_dir = resolve(base or get_settings().asr.whisper_model, engine="whisper").path
    settings = FineTuneSettings(steps=steps, batch_size=batch_size, learning_rate=learning_rate, lora_rank=lora_rank)

    def hook(step: int, total: int, loss: float) -> None:
        console.print(f"bước {step}/{total}: loss {loss:.3f}")

    path = finetune_ct2(base_dir, rows, name, settings, device=device, progress=hook)
    console.print(f"Đã đăng ký mô hình {name}: {path} (GOBANG_ASR__WHISPER_MODEL={name})")
