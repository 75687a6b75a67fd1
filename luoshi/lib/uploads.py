"""Uploaded files: what kinds are accepted, how big a request may be, and how files are served back.

A file's kind is decided by its content (magic bytes), never by the type the browser declares:
offices hand in PDF and OFD, Word/WPS, Excel/ET and PowerPoint/WPS 演示 files, photos, plain text
and zip/rar/7z archives. A web page, an SVG or a program is refused whatever it is called. The
checked kind — not the declared type — decides the Content-Type a file is served with later.

`UploadLimitMiddleware` refuses an oversize request from its Content-Length before anything reads
the body (413), so a 200 MB upload is not received in full to be refused afterwards.
`delete_on_rollback` removes stored files again when the transaction that stored them rolls back.
"""

from __future__ import annotations

import codecs
import weakref
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import Storage
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from luoshi.web.htmx import is_htmx

HEAD_BYTES = 4096


@dataclass(frozen=True)
class FileKind:
    """An accepted kind of file: the type it is served with and the extensions it may carry."""

    key: str
    content_type: str
    extensions: tuple[str, ...]

    @property
    def inline(self) -> bool:
        """Shown in the browser (images, PDF); everything else is downloaded as an attachment."""
        return self.content_type.startswith("image/") or self.content_type == "application/pdf"


_OOXML = "application/vnd.openxmlformats-officedocument"
KINDS = {
    k.key: k
    for k in (
        FileKind("pdf", "application/pdf", ("pdf",)),
        FileKind("ofd", "application/ofd", ("ofd",)),
        FileKind("jpeg", "image/jpeg", ("jpg", "jpeg", "jpe", "jfif")),
        FileKind("png", "image/png", ("png",)),
        FileKind("gif", "image/gif", ("gif",)),
        FileKind("bmp", "image/bmp", ("bmp",)),
        FileKind("webp", "image/webp", ("webp",)),
        FileKind("tiff", "image/tiff", ("tif", "tiff")),
        FileKind("heic", "image/heic", ("heic", "heif")),
        # Word, Excel, PowerPoint and their WPS counterparts: the old binary ones are all OLE
        # compound files, told apart by extension; the new ones are zips told apart by content.
        FileKind("doc", "application/msword", ("doc", "wps", "dot", "wpt")),
        FileKind("xls", "application/vnd.ms-excel", ("xls", "et", "xlt", "ett")),
        FileKind("ppt", "application/vnd.ms-powerpoint", ("ppt", "dps", "pps", "pot", "dpt")),
        FileKind("docx", f"{_OOXML}.wordprocessingml.document", ("docx", "wps", "docm", "dotx")),
        FileKind("xlsx", f"{_OOXML}.spreadsheetml.sheet", ("xlsx", "et", "xlsm", "xltx")),
        FileKind("pptx", f"{_OOXML}.presentationml.presentation", ("pptx", "dps", "ppsx", "potx")),
        FileKind("zip", "application/zip", ("zip",)),
        FileKind("rar", "application/vnd.rar", ("rar",)),
        FileKind("7z", "application/x-7z-compressed", ("7z",)),
        FileKind("text", "text/plain", ("txt",)),
    )
}
# Served as they are; an older row's declared type outside this set is served as a download.
SAFE_TYPES = {k.content_type for k in KINDS.values()}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UploadRefused(ValueError):
    """A file that is not accepted; the message is shown to the user as is."""


def extension(name: str) -> str:
    base = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _zip_kind(f: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(f) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names:
        for prefix, key in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(n.startswith(prefix) for n in names):
                return key
    return "zip"


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # Incremental: a multi-byte character may be cut at the end of the sample.
            codecs.getincrementaldecoder(encoding)().decode(head, final=len(head) < HEAD_BYTES)
        except UnicodeDecodeError:
            continue
        return not any(b < 32 and b not in b"\t\r\n\f" for b in head)
    return False


def sniff(f: IO[bytes], name: str = "") -> FileKind | None:
    """The kind of file `f` holds by its content (and, for OLE files, which of them by `name`).

    Reads from the start and leaves `f` at the start; None when the kind is not accepted."""
    f.seek(0)
    head = f.read(HEAD_BYTES)
    f.seek(0)
    ext = extension(name)
    key: str | None = None
    if head.startswith(b"%PDF-"):
        key = "pdf"
    elif head.startswith(b"\xff\xd8\xff"):
        key = "jpeg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        key = "png"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        key = "gif"
    elif head.startswith(b"BM") and len(head) > 14:
        key = "bmp"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        key = "webp"
    elif head[:4] in (b"II*\x00", b"MM\x00*"):
        key = "tiff"
    elif head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
        key = "heic"
    elif head.startswith(OLE_MAGIC):
        key = next((k for k in ("doc", "xls", "ppt") if ext in KINDS[k].extensions), None)
    elif head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        key = _zip_kind(f)
        f.seek(0)
    elif head.startswith(b"Rar!\x1a\x07"):
        key = "rar"
    elif head.startswith(b"7z\xbc\xaf\x27\x1c"):
        key = "7z"
    elif ext == "txt" and _is_text(head):
        key = "text"
    return KINDS[key] if key else None


def check_file(f: Any, *, max_bytes: int) -> FileKind:
    """The checked kind of one uploaded file, or UploadRefused saying why it is not accepted."""
    name = (getattr(f, "name", "") or "").rsplit("/", 1)[-1]
    if f.size is not None and f.size > max_bytes:
        raise UploadRefused(_("附件 %(n)s 超过大小上限。") % {"n": name})
    kind = sniff(f, name)
    if kind is None:
        raise UploadRefused(
            _(
                "附件 %(n)s 的文件类型不被接受。可上传 PDF、OFD、Word/WPS、Excel、演示文稿、图片、"
                "文本文件和 zip/rar/7z 压缩包。"
            )
            % {"n": name}
        )
    if extension(name) not in kind.extensions:
        raise UploadRefused(
            _("附件 %(n)s 的内容与扩展名不符（内容为 %(k)s 文件）。") % {"n": name, "k": kind.extensions[0]}
        )
    return kind


def check_files(files: Iterable[Any], *, max_bytes: int) -> list[tuple[Any, FileKind]]:
    """Every file checked before any is stored, so one refused file leaves nothing behind."""
    return [(f, check_file(f, max_bytes=max_bytes)) for f in files]


def store_checked(files: Iterable[Any], *, max_bytes: int, make: Callable[..., Any]) -> list[Any]:
    """Check every file (size, kind by content) before storing any, then store each as the row
    `make(name=, size=, sha256=, content_type=)` returns (a model with a `file` field, unsaved),
    under its SHA-256 so an audit entry can pin exactly what was handed in; the stored files are
    deleted again if the transaction rolls back. Raises `UploadRefused` before anything is stored."""
    import hashlib

    out = []
    for f, kind in check_files(files, max_bytes=max_bytes):
        digest = hashlib.sha256()
        size = 0
        for chunk in f.chunks():
            digest.update(chunk)
            size += len(chunk)
        f.seek(0)
        row = make(
            name=(f.name or "file")[:200],
            size=size,
            sha256=digest.hexdigest(),
            content_type=kind.content_type,
        )
        row.file.save((f.name or "file").rsplit("/", 1)[-1][-100:], f, save=False)
        delete_on_rollback(row.file.storage, [row.file.name])
        row.save()
        out.append(row)
    return out


def download_type(content_type: str) -> tuple[str, bool]:
    """(Content-Type, inline?) to serve a stored file with: its checked type when that is an accepted
    one, else a download of unknown bytes (older rows kept whatever the browser declared)."""
    base = (content_type or "").split(";", 1)[0].strip().lower()
    if base not in SAFE_TYPES:
        return "application/octet-stream", False
    inline = base.startswith("image/") or base == "application/pdf"
    return base, inline


# ---------------------------------------------------------------------------------------------
# Files stored inside a transaction


class _Keep:
    """Registered with on_commit: called when the transaction commits. A rollback drops it from
    the connection's list uncalled; its finaliser then deletes the files."""

    def __init__(self, storage: Storage, names: Sequence[str]) -> None:
        self.committed = False
        weakref.finalize(self, _delete_unless, storage, list(names), self.__dict__)

    def __call__(self) -> None:
        self.committed = True


def _delete_unless(storage: Storage, names: list[str], state: dict[str, Any]) -> None:
    if state.get("committed"):
        return
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            pass


def delete_on_rollback(storage: Storage, names: Sequence[str], *, using: str | None = None) -> None:
    """Delete the stored files `names` if the current transaction rolls back (Django has no
    on_rollback hook: a rolled-back transaction discards its on_commit callbacks uncalled, and the
    callback's finaliser, run as it is discarded, deletes the files). Outside a transaction the
    callback runs at once and the files stay."""
    if names:
        transaction.on_commit(_Keep(storage, names), using=using)


# ---------------------------------------------------------------------------------------------
# Request size


def upload_limit(max_bytes: Callable[[], int] | int | None = None) -> Callable[[Any], Any]:
    """Mark a view as an upload endpoint: its request body may be up to `max_bytes` (default
    LUOSHI_UPLOAD_MAX_BYTES) instead of DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def mark(view: Any) -> Any:
        view.upload_max_bytes = max_bytes if max_bytes is not None else _upload_max
        return view

    return mark


def _upload_max() -> int:
    return int(settings.LUOSHI_UPLOAD_MAX_BYTES)


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}"


def request_limit(view: Any) -> int:
    limit = getattr(view, "upload_max_bytes", None)
    if limit is None:
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    return int(limit() if callable(limit) else limit)


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """413 with the limit in words: JSON for the API, text for HTMX, a page otherwise."""
    message = _("上传内容过大（上限 %(mb)s MB），未接收。请压缩或分批上传。") % {"mb": _megabytes(limit)}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    if is_htmx(request):
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    html = render_to_string("413.html", {"message": message}, request=request)
    return HttpResponse(html, status=413)


class UploadLimitMiddleware:
    """Refuse a request whose declared body is larger than its view accepts, before it is read.

    Placed before CsrfViewMiddleware, whose check reads the form (and so the whole upload)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_limit(view)
        if limit and length > limit:
            return too_large(request, limit)
        return None
