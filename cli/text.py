"""`gobang text`: the text stage on its own (spoken form in, written form out) and its model's training."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.errors import err_console, one_line_errors
from cli.inputs import read_glossary
from core.settings import get_settings

text_app = typer.Typer(
    help="Chuẩn hóa văn bản: số, dấu câu, chữ hoa (spoken form to written form).", no_args_is_help=True
)


@text_app.command("format")
@one_line_errors
def format_command(
    no_itn: Annotated[bool, typer.Option("--no-itn", help="Giữ số ở dạng chữ (keep numbers spoken).")] = False,
    no_punct: Annotated[
        bool, typer.Option("--no-punct", help="Không thêm dấu câu và chữ hoa (no punctuation or case).")
    ] = False,
    glossary: Annotated[
        Path | None,
        typer.Option(help="Tệp thuật ngữ và tên riêng, mỗi dòng một mục (glossary file).", dir_okay=False),
    ] = None,
) -> None:
    """Đọc dạng nói từ stdin, mỗi dòng một câu; in dạng viết, mỗi dòng một câu (same code as the pipeline).

    Ví dụ: echo "tăng mười hai phẩy năm phần trăm" | gobang text format  ->  "Tăng 12,5%."
    """
    from asr.written import TextFormatter

    formatter = TextFormatter.load(
        get_settings().model_cache, itn=not no_itn, punctuation=not no_punct, glossary=read_glossary(glossary)
    )
    for line in sys.stdin:
        sys.stdout.write(formatter.format(line) + "\n")
        sys.stdout.flush()


Corpus = Annotated[
    Path,
    typer.Option(help="Kho văn bản pháp luật (shared/corpora/vi_legal/laws.txt.gz).", exists=True, dir_okay=False),
]
"""The legal corpus both training commands read (only its training documents are used)."""


@text_app.command("train-punctuation")
@one_line_errors
def train_punctuation_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Tệp mô hình CRF (model file).", dir_okay=False)],
    corpus: Corpus,
    lines: Annotated[int, typer.Option(min=1, help="Số dòng huấn luyện (training lines).")] = 60000,
    every: Annotated[int, typer.Option(min=1, help="Lấy một dòng trong mỗi N dòng (every N-th line).")] = 8,
    iterations: Annotated[int, typer.Option(min=1, help="Số vòng L-BFGS (iterations).")] = 50,
    c1: Annotated[
        float, typer.Option(min=0.0, help="Hệ số phạt L1, lớn thì mô hình nhỏ (L1 penalty; larger prunes more).")
    ] = 3.0,
) -> None:
    """Huấn luyện mô hình dấu câu và chữ hoa trên các văn bản huấn luyện của kho (never the held-out ones)."""
    from asr.punctuation import corpus_statistics, statistics_path, train, training_examples

    with err_console.status("Đang đếm chữ hoa và dấu phẩy trong kho… (counting the corpus)"):
        halves = corpus_statistics(corpus)
    with err_console.status("Đang chuẩn bị dữ liệu… (reading the corpus)"):
        examples = training_examples(corpus, limit=lines, every=every)
    with err_console.status(f"Đang huấn luyện trên {len(examples)} dòng… (training)"):
        train(examples, out, halves, max_iterations=iterations, c1=c1)
    sizes = (out.stat().st_size + statistics_path(out).stat().st_size) / 1e6
    err_console.print(f"Đã ghi mô hình (model written): {out}, {statistics_path(out)} ({sizes:.1f} MB)")


@text_app.command("train-itn")
@one_line_errors
def train_itn_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Tệp bảng đếm (counts file, .json.gz).", dir_okay=False)],
    corpus: Corpus,
) -> None:
    """Đếm cách văn bản huấn luyện viết số từ một đến chín theo ngữ cảnh (never the held-out documents)."""
    from asr.number_forms import learn

    with err_console.status("Đang đếm… (counting the training documents)"):
        contexts = learn(corpus, out)
    err_console.print(f"Đã ghi bảng (counts written): {out} ({contexts} ngữ cảnh, {out.stat().st_size / 1e3:.0f} kB)")
