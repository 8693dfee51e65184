"""The service's commands: `gobang serve`, `gobang worker`, `gobang users …`, `gobang keys …`.

Registered by `cli.main`:

    app.command("serve")(serve_command)
    app.command("worker")(worker_command)
    app.add_typer(users_app, name="users")
    app.add_typer(keys_app, name="keys")

The web stack (FastAPI, uvicorn, RQ) is imported inside the commands, so `gobang --help` stays quick.
Account commands act directly on the database (migrated first), as the bootstrap of a fresh
installation must: they need no running server and no login, and are audited as `cli:<os user>`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cli.database import cli_actor, database
from cli.errors import err_console, one_line_errors
from core.errors import ConfigError, InvalidInputError
from core.settings import Settings, get_settings

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

    from workers.queue import QueueName

console = Console()

users_app = typer.Typer(help="Người dùng: tạo, liệt kê, đặt lại mật khẩu, mở khóa (users).", no_args_is_help=True)
keys_app = typer.Typer(help="Khóa API cho các dịch vụ khác: tạo, liệt kê, thu hồi (API keys).", no_args_is_help=True)

MAX_HEADER_BYTES = 64 * 1024
"""h11 refuses (400) a request whose headers are still incomplete past this size, before they fill memory;
the app's own limit (`api.middleware`, 431) is lower, so this only stops what never reaches the app."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = typer.get_text_stream("stdin").readline().rstrip("\r\n")
        if not password:
            raise InvalidInputError("không đọc được mật khẩu từ stdin (no password on stdin)")
        return password
    return str(typer.prompt("Mật khẩu (password)", hide_input=True, confirmation_prompt=True))


# --- serve and worker ---------------------------------------------------------------------------


def uvicorn_config(
    app: FastAPI | str, *, host: str, port: int, forwarded_allow_ips: str | None = None
) -> uvicorn.Config:
    """How gobang is served. The h11 parser is chosen over httptools because it bounds request
    headers (httptools buffers any size); `log_config=None` sends uvicorn's logs through gobang's
    key=value handler; proxy headers are trusted only from `forwarded_allow_ips` (uvicorn's default:
    127.0.0.1, a reverse proxy on the same machine), which gives the login rate limit the real client."""
    import uvicorn

    return uvicorn.Config(
        app,
        factory=isinstance(app, str),
        host=host,
        port=port,
        http="h11",
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
        log_config=None,
    )


@one_line_errors
def serve_command(
    host: Annotated[str, typer.Option(help="Địa chỉ lắng nghe (bind address).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Cổng (port).")] = 8000,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(help="Proxy tin cậy, được đặt X-Forwarded-For (trusted proxies; default 127.0.0.1)."),
    ] = None,
) -> None:
    """Chạy dịch vụ web và API (serve the web UI and the HTTP API).

    Mặc định nhúng: SQLite và hàng đợi trong tiến trình, không cần gì thêm; đặt GOBANG_DATABASE_URL
    và GOBANG_REDIS_URL để dùng PostgreSQL và các worker RQ.
    """
    import uvicorn

    settings = get_settings()
    err_console.print(
        f"gobang: http://{host}:{port}  (tài liệu API: /docs; "
        f"CSDL: {'PostgreSQL' if settings.database_url else 'SQLite'}; "
        f"hàng đợi: {'Redis' if settings.redis_url else 'trong tiến trình'})"
    )
    if settings.cookie_secure and host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(
            "[yellow]Cookie đăng nhập chỉ gửi qua HTTPS: đặt gobang sau một proxy HTTPS, hoặc "
            "GOBANG_COOKIE_SECURE=false nếu chỉ dùng HTTP trong mạng nội bộ (login cookies are HTTPS-only).[/]"
        )
    uvicorn.Server(
        uvicorn_config("api.app:create_app", host=host, port=port, forwarded_allow_ips=forwarded_allow_ips)
    ).run()


def _queues(value: str, settings: Settings) -> list[QueueName]:
    """`asr-gpu,asr-cpu,cpu` (`asr`: both asr queues) or the full names (`gobang-asr-cpu`...), in priority order."""
    from workers.queue import queue_names

    full = {name: queue for queue, name in queue_names(settings).items()}
    aliases: dict[str, list[QueueName]] = {q: [q] for q in full.values()} | {"asr": ["asr-gpu", "asr-cpu"]}
    queues: list[QueueName] = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        chosen = aliases.get(part) or ([full[part]] if part in full else None)
        if chosen is None:
            known = ", ".join([*aliases, *full])
            raise InvalidInputError(f"không có hàng đợi “{part}”; chọn trong {known} (unknown queue)")
        queues += [q for q in chosen if q not in queues]
    if not queues:
        raise InvalidInputError("cần ít nhất một hàng đợi (no queue given)")
    return queues


@one_line_errors
def worker_command(
    queues: Annotated[
        str | None,
        typer.Option(
            help="Hàng đợi theo thứ tự ưu tiên, phân cách bằng dấu phẩy: asr-gpu, asr-cpu, cpu (asr = cả hai hàng "
            "asr) hoặc tên đầy đủ; máy GPU: asr-gpu,asr-cpu,cpu; máy CPU: asr-cpu,cpu (default: all)."
        ),
    ] = None,
    burst: Annotated[bool, typer.Option("--burst", help="Làm hết việc đang chờ rồi thoát (drain and exit).")] = False,
) -> None:
    """Chạy một worker RQ nhận việc từ Redis (run an RQ worker; needs GOBANG_REDIS_URL).

    Worker là SimpleWorker: chạy việc ngay trong tiến trình, nên mô hình nạp một lần rồi dùng cho mọi việc
    (a forking worker would reload the models, and CUDA does not survive a fork).
    """
    settings = get_settings()
    if not settings.redis_url:
        raise ConfigError(
            "worker cần Redis: đặt GOBANG_REDIS_URL (ví dụ redis://localhost:6379/0); "
            "không có Redis thì `gobang serve` tự chạy việc trong tiến trình (worker needs GOBANG_REDIS_URL)"
        )
    from core.blobs import open_blob_store
    from core.db import migrate
    from workers.queue import QUEUES, make_queue, requeue_unfinished, run_worker

    chosen: list[QueueName] = _queues(queues, settings) if queues else list(QUEUES)
    migrate(settings.resolved_database_url, voiceprints_file=settings.voiceprints_path)
    blobs = open_blob_store(settings)
    recovery = make_queue(settings, blobs)
    try:
        requeued = requeue_unfinished(recovery, settings)
    finally:
        recovery.close()
    err_console.print(f"worker: hàng đợi {', '.join(chosen)}; đưa lại {requeued} việc dở dang (requeued)")
    run_worker(settings, blobs, chosen, burst=burst)


# --- users --------------------------------------------------------------------------------------


@users_app.command("create")
@one_line_errors
def users_create(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập (username).")],
    role: Annotated[str, typer.Option(help="admin | clerk | viewer")] = "clerk",
    org: Annotated[
        str | None, typer.Option(help='Đơn vị, ví dụ "Ủy ban Pháp luật"; chưa có thì được tạo (organisation unit).')
    ] = None,
    display_name: Annotated[str, typer.Option(help="Tên hiển thị (display name).")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Đọc mật khẩu từ một dòng stdin (read the password from stdin).")
    ] = False,
) -> None:
    """Tạo người dùng đăng nhập bằng mật khẩu (create a user). Mật khẩu ít nhất 10 ký tự."""
    from accounts import create_user

    password = _read_password(password_stdin)
    with database() as db:
        user = create_user(db, username, password, role, org, display_name, actor=cli_actor(), create_org_unit=True)
        unit = user.org_unit.name if user.org_unit else "mọi đơn vị"
        console.print(f"Đã tạo người dùng [bold]{escape(user.username)}[/] ({user.role.value}, {escape(unit)}).")


@users_app.command("list")
@one_line_errors
def users_list() -> None:
    """Liệt kê người dùng (list users)."""
    from accounts import list_users

    table = Table(title="Người dùng (users)")
    for column in ("Tên đăng nhập", "Vai trò", "Đơn vị", "Hoạt động", "Khóa đến"):
        table.add_column(column)
    with database() as db:
        for user in list_users(db):
            table.add_row(
                escape(user.username),
                user.role.value,
                escape(user.org_unit.name) if user.org_unit else "mọi đơn vị",
                "có" if user.active else "[red]không[/]",
                str(user.locked_until or ""),
            )
    console.print(table)


@users_app.command("set-password")
@one_line_errors
def users_set_password(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập (username).")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Đọc mật khẩu từ stdin.")] = False,
) -> None:
    """Đặt mật khẩu mới, mở khóa và kết thúc mọi phiên đăng nhập của người dùng (reset a password)."""
    from accounts import find_user, update_user

    password = _read_password(password_stdin)
    with database() as db:
        user = update_user(db, find_user(db, username), actor=cli_actor(), password=password)
        console.print(f"Đã đặt mật khẩu mới cho [bold]{escape(user.username)}[/].")


@users_app.command("unlock")
@one_line_errors
def users_unlock(username: Annotated[str, typer.Argument(help="Tên đăng nhập (username).")]) -> None:
    """Mở khóa đăng nhập của người dùng từ mọi địa chỉ, xóa đếm sai mật khẩu (lift login locks)."""
    from accounts import find_user, update_user

    with database() as db:
        user = update_user(db, find_user(db, username), actor=cli_actor(), unlock=True)
        console.print(f"Đã mở khóa đăng nhập cho [bold]{escape(user.username)}[/].")


# --- API keys -----------------------------------------------------------------------------------


@keys_app.command("create")
@one_line_errors
def keys_create(
    name: Annotated[str, typer.Argument(help="Tên khóa: dịch vụ nào dùng nó (what the key is for).")],
    role: Annotated[str, typer.Option(help="service | clerk | viewer")] = "service",
    org: Annotated[str | None, typer.Option(help="Giới hạn trong một đơn vị (organisation unit).")] = None,
    scope: Annotated[
        list[str] | None, typer.Option("--scope", help="Phạm vi, lặp lại được, ví dụ recordings:write (scopes).")
    ] = None,
) -> None:
    """Tạo khóa API. Khóa in ra stdout MỘT LẦN; chỉ bản băm được lưu (the key is printed once)."""
    from accounts import create_api_key

    with database() as db:
        issued = create_api_key(
            db, name, role, org, scope or (), created_by=None, actor=cli_actor(), create_org_unit=True
        )
    row = issued.row
    err_console.print(
        f"Đã tạo khóa {escape(row.name)} (tiền tố {row.prefix}, vai trò {row.role.value}, "
        f"phạm vi {', '.join(row.scopes) or 'toàn bộ vai trò'}). Lưu khóa ngay: nó không hiện lại."
    )
    # Alone on stdout, so `KEY=$(gobang keys create …)` captures exactly the key.
    console.print(issued.key, markup=False, highlight=False, soft_wrap=True)


@keys_app.command("list")
@one_line_errors
def keys_list() -> None:
    """Liệt kê khóa API (không bao giờ hiện khóa) (list API keys)."""
    from accounts import list_api_keys

    table = Table(title="Khóa API (API keys)")
    for column in ("Tiền tố", "Tên", "Vai trò", "Phạm vi", "Dùng lần cuối", "Thu hồi"):
        table.add_column(column)
    with database() as db:
        for key in list_api_keys(db):
            table.add_row(
                key.prefix,
                escape(key.name),
                key.role.value,
                ", ".join(key.scopes) or "*",
                str(key.last_used_at or ""),
                str(key.revoked_at or ""),
            )
    console.print(table)


@keys_app.command("revoke")
@one_line_errors
def keys_revoke(prefix: Annotated[str, typer.Argument(help="Tiền tố của khóa (key prefix) hoặc cả khóa.")]) -> None:
    """Thu hồi khóa API; có hiệu lực ngay (revoke an API key)."""
    from accounts import revoke_api_key
    from accounts.verified_keys import verified_keys

    with database() as db:
        row = revoke_api_key(db, prefix, actor=cli_actor())
        name, key_id = row.name, row.prefix
    keys = verified_keys(get_settings())  # after the commit: API processes that remember the key forget it
    if keys is not None and not keys.keys_changed():
        err_console.print(
            f"[yellow]Không báo được qua Redis: máy chủ API có thể còn nhận khóa này tối đa "
            f"{keys.ttl_s:.0f} giây (Redis unreachable: servers may accept the key until their cache expires).[/]"
        )
    console.print(f"Đã thu hồi khóa {escape(name)} ({key_id}).")
