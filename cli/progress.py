"""What the archivist sees: a bar per running file, an overall bar with ETA, and the summary table."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from workers.batch import BatchReport, FileJob, FileOutcome

STAGES = {
    "hash": "kiểm tra SHA-256",
    "load": "nạp mô hình",
    "transcribe": "nhận dạng",
    "export": "xuất tệp",
}
"""Progress stages in Vietnamese (a stage not listed is shown as named)."""

STATUS = {
    "ok": "[green]xong[/]",
    "skipped": "[cyan]bỏ qua (đã có)[/]",
    "failed": "[bold red]lỗi[/]",
    "interrupted": "[yellow]dừng giữa chừng[/]",
}

MAX_TABLE_ROWS = 100
"""Above this many files the table lists only the files that need attention; report.json has them all."""


class _OverallEta(TimeRemainingColumn):
    """ETA on the overall bar only: per-file bars restart at each stage, so their ETA would mislead."""

    def render(self, task: Task) -> Text:
        return super().render(task) if task.fields.get("overall") else Text("")


class BatchProgress:
    """A `workers.batch.BatchListener` drawing rich bars; the overall bar counts seconds of audio recognised."""

    def __init__(self, jobs: Sequence[FileJob], console: Console) -> None:
        known = [j.duration for j in jobs if j.duration]
        fallback = sum(known) / len(known) if known else 1.0
        # Seconds of audio each file stands for; a file whose header gives no duration counts as an average one.
        self._weights = {j.index: j.duration or fallback for j in jobs}
        self._total_files = len(jobs)
        self._total_seconds = sum(self._weights.values())
        self._done_seconds = 0.0
        self._done_files = 0
        self._running: dict[int, tuple[TaskID, float]] = {}
        self._console = console
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            _OverallEta(),
            console=console,
        )
        self._overall = self._progress.add_task(self._overall_text(), total=self._total_seconds, overall=True)

    def __enter__(self) -> BatchProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._progress.stop()

    def progress(self, job: FileJob, stage: str, fraction: float) -> None:
        label = f"  {escape(job.relative)} · {STAGES.get(stage, stage)}"
        if job.index not in self._running:
            self._running[job.index] = (self._progress.add_task(label, total=1.0), 0.0)
        task, done = self._running[job.index]
        done = max(done, fraction if stage == "transcribe" else 0.0)  # recognition is the bulk of the work
        self._running[job.index] = (task, done)
        self._progress.update(task, description=label, completed=done)
        self._update_overall()

    def finished(self, job: FileJob, outcome: FileOutcome) -> None:
        if job.index in self._running:
            self._progress.remove_task(self._running.pop(job.index)[0])
        if outcome.status == "ok":
            self._done_seconds += self._weights[job.index]
        else:  # skipped or failed: no recognition time was spent, so it must not speed up the ETA
            self._total_seconds -= self._weights[job.index]
        self._done_files += 1
        if outcome.status == "failed":
            self._console.print(f"[bold red]✗[/] {escape(job.relative)}: {escape(_reason(outcome))}")
        self._update_overall()

    def _update_overall(self) -> None:
        running = sum(fraction * self._weights[i] for i, (_, fraction) in self._running.items())
        total = max(self._total_seconds, 1e-9)
        everything_done = self._done_files == self._total_files
        self._progress.update(
            self._overall,
            description=self._overall_text(),
            completed=total if everything_done else self._done_seconds + running,
            total=total,
        )

    def _overall_text(self) -> str:
        return f"[bold]Tổng cộng[/] {self._done_files}/{self._total_files} tệp"


def _reason(outcome: FileOutcome) -> str:
    """The error without the leading path: the table already names the file."""
    error = outcome.error or ""
    return error.removeprefix(f"{outcome.input}: ")


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def summary_table(report: BatchReport) -> Table:
    """One row per file (only files needing attention when there are many), with a totals caption."""
    rows = report.files
    if len(rows) > MAX_TABLE_ROWS:
        rows = [f for f in rows if f.status in ("failed", "interrupted")]
    counts = report.counts
    table = Table(
        title="Kết quả (summary)",
        caption=(
            f"xong {counts['ok']} · bỏ qua {counts['skipped']} · lỗi {counts['failed']} · "
            f"dừng giữa chừng {counts['interrupted']} — tổng {len(report.files)} tệp"
        ),
    )
    table.add_column("Tệp (file)", overflow="fold")
    table.add_column("Trạng thái (status)")
    table.add_column("Thời lượng", justify="right")
    table.add_column("RTF", justify="right")
    table.add_column("Lỗi (error)", overflow="fold")
    for outcome in rows:
        table.add_row(
            Text(outcome.relative),
            STATUS[outcome.status],
            _clock(outcome.duration),
            f"{outcome.rtf:.3f}" if outcome.rtf is not None else "—",
            Text(_reason(outcome) or (outcome.note or ""), style="red" if outcome.error else "dim"),
        )
    return table
