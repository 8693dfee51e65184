"""Peak server memory and spooled bytes while anonymous clients send huge bodies (issue 13, F1).

Starts a real `gobang serve` on loopback (its own home, SQLite), then, one after another, sends
bodies that declare `--mib` MiB with no credentials: a multipart recording upload, a chunked
JSON transcript save, an OpenAI transcription and a voice login (public, so only its size limit
applies). Each body is streamed in 1 MiB pieces until the server answers or closes. Sampled every
20 ms: the server's RSS and the bytes in temporary files it holds open (in the system temp folder
or in its home). A guarded server answers before the body: few MiB sent, nothing spooled.

    python -m benchmarks.hostile_upload --mib 512 --baseline /path/to/older/checkout

Prints a table and one summary line.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

MiB = 1 << 20
REPO = Path(__file__).resolve().parents[1]
BOUNDARY = "gobangboundary"


@dataclass
class Server:
    """A `gobang serve` process: its base URL, pid, home and the temp folder it was given."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    home: Path
    tmpdir: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def gobang_serve(
    home: Path, env: dict[str, str] | None = None, *, code_root: Path = REPO, timeout_s: float = 120
) -> Iterator[Server]:
    """`gobang serve` of the checkout at `code_root` in a child process, ready when /healthz answers."""
    port = free_port()
    tmpdir = home / "system-tmp"
    tmpdir.mkdir(parents=True, exist_ok=True)
    child_env = dict(os.environ) | {"GOBANG_HOME": str(home), "TMPDIR": str(tmpdir), "PYTHONPATH": str(code_root)}
    child_env |= env or {}
    code = "import sys; from cli.main import app; sys.argv[0] = 'gobang'; app()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port)],
        env=child_env,
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gobang serve exited with {process.returncode}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gobang serve did not start")
            time.sleep(0.2)
        yield Server(url=url, port=port, process=process, home=home, tmpdir=tmpdir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def spool_folders(server: Server) -> tuple[Path, ...]:
    """Where a server may keep request bodies: the system temp folder it was given, and its own staging folders."""
    return (server.tmpdir, server.home / "spool", server.home / "blobs" / "tmp", server.home / "uploads")


class Sampler:
    """Peak RSS and peak bytes of temporary files (in `folders`) open in a process, sampled on a thread."""

    def __init__(self, pid: int, folders: tuple[Path, ...], every_s: float = 0.02) -> None:
        self.process, self.folders, self.every_s = psutil.Process(pid), tuple(str(f) for f in folders), every_s
        self.baseline_rss = self.process.memory_info().rss
        self.peak_rss = self.baseline_rss
        self.baseline_spooled = self._spooled()  # files the server keeps open anyway (a tagger's model)
        self.peak_spooled = self.baseline_spooled
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _spooled(self) -> int:
        total = 0
        fd_dir = Path(f"/proc/{self.process.pid}/fd")
        for fd in fd_dir.iterdir() if fd_dir.is_dir() else ():
            try:
                target = os.readlink(fd)
                if target.startswith(self.folders):
                    total += os.stat(fd).st_size
            except OSError:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.peak_rss = max(self.peak_rss, self.process.memory_info().rss)
                self.peak_spooled = max(self.peak_spooled, self._spooled())
            except psutil.Error:
                return

    @property
    def rss_growth(self) -> int:
        return self.peak_rss - self.baseline_rss

    @property
    def spooled(self) -> int:
        """Peak bytes of request bodies in temporary files."""
        return self.peak_spooled - self.baseline_spooled

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass(frozen=True)
class Attack:
    name: str
    method: str
    path: str
    content_type: str
    chunked: bool = False
    """No Content-Length: the body's size is known only as it arrives."""
    headers: tuple[tuple[str, str], ...] = ()


ATTACKS = (
    Attack("multipart POST /recordings", "POST", "/recordings", f"multipart/form-data; boundary={BOUNDARY}"),
    Attack("chunked JSON PUT transcript", "PUT", "/recordings/abc/transcript", "application/json", chunked=True),
    Attack("OpenAI transcription", "POST", "/v1/audio/transcriptions", f"multipart/form-data; boundary={BOUNDARY}"),
    Attack("voice login (public)", "POST", "/auth/voice/login", f"multipart/form-data; boundary={BOUNDARY}"),
)


@dataclass(frozen=True)
class Outcome:
    status: int | None
    sent_mib: float
    seconds: float
    body: str


def _body_head(attack: Attack) -> bytes:
    if attack.content_type.startswith("multipart"):
        return (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\nRIFF"
        ).encode()
    return b'{"segments": [{"text": "'


def send_hostile(
    server_port: int, attack: Attack, size: int, *, piece: int = MiB, pace_s: float = 0.0, timeout_s: float = 120
) -> Outcome:
    """Stream `size` bytes of body to the server until it answers or hangs up (`pace_s` between pieces); what came
    back and how much went."""
    head = [f"{attack.method} {attack.path} HTTP/1.1", f"Host: 127.0.0.1:{server_port}"]
    head += [f"Content-Type: {attack.content_type}", "Connection: close"]
    head += [f"{k}: {v}" for k, v in attack.headers]
    head += ["Transfer-Encoding: chunked"] if attack.chunked else [f"Content-Length: {size}"]
    began = time.monotonic()
    sent = 0
    with socket.create_connection(("127.0.0.1", server_port), timeout=timeout_s) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        data = _body_head(attack)
        filler = b"\0" * piece
        answered = False
        try:
            while sent < size and not answered:
                chunk = (data + filler)[: min(piece, size - sent)]
                data = b""
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if attack.chunked else chunk)
                sent += len(chunk)
                time.sleep(pace_s)
                answered = _readable(sock)
            if attack.chunked and not answered:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        reply = _read_reply(sock)
    status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.1 ") else None
    body = reply.partition(b"\r\n\r\n")[2].decode("utf-8", "replace")
    return Outcome(status=status, sent_mib=sent / MiB, seconds=time.monotonic() - began, body=body)


def _readable(sock: socket.socket) -> bool:
    import select

    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


def _read_reply(sock: socket.socket) -> bytes:
    reply = b""
    try:
        while part := sock.recv(65536):
            reply += part
            if len(reply) > 1 << 16:
                break
    except (ConnectionResetError, TimeoutError):
        pass
    return reply


def measure(code_root: Path, size: int) -> list[tuple[Attack, Outcome, Sampler]]:
    """Every attack, one after another, against a fresh server of the checkout at `code_root`."""
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="gobang-hostile-") as home_dir,
        gobang_serve(Path(home_dir), code_root=code_root) as server,
    ):
        for attack in ATTACKS:
            with Sampler(server.process.pid, spool_folders(server)) as sampler:
                outcome = send_hostile(server.port, attack, size)
                time.sleep(0.3)  # the peak is what matters, not what is freed after the answer
            rows.append((attack, outcome, sampler))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, default=512, help="declared body size of each hostile request")
    parser.add_argument("--baseline", type=Path, help="an older checkout, measured first in the same run")
    args = parser.parse_args()
    runs = [("baseline", args.baseline)] if args.baseline else []
    runs.append(("this", REPO))
    print(
        f"{'code':8} {'request':30} {'status':>6} {'sent MiB':>9} {'s':>6} {'RSS MiB':>8} {'+peak':>6} {'spooled':>8}"
    )
    summary: dict[str, object] = {"declared_mib": args.mib}
    for label, root in runs:
        rows = measure(root, args.mib * MiB)
        for attack, outcome, sampler in rows:
            print(
                f"{label:8} {attack.name:30} {outcome.status!s:>6} {outcome.sent_mib:9.1f} {outcome.seconds:6.2f} "
                f"{sampler.baseline_rss / MiB:8.0f} {sampler.rss_growth / MiB:6.0f} {sampler.spooled / MiB:8.1f}"
            )
        summary[label] = {
            "max_rss_growth_mib": round(max(s.rss_growth / MiB for _, _, s in rows), 1),
            "max_spooled_mib": round(max(s.spooled / MiB for _, _, s in rows), 1),
            "max_sent_mib": round(max(o.sent_mib for _, o, _ in rows), 1),
        }
    print("summary " + json.dumps(summary))


if __name__ == "__main__":
    main()
