"""A real PostgreSQL primary and streaming replica on free ports of this machine, for the replica tests.

The primary is a fresh cluster (`initdb`, trust on 127.0.0.1, replication allowed), the replica its
`pg_basebackup -R` copy, taken after the test's data is loaded (copying files is quicker than
replaying the load). PostgreSQL refuses to run as root, so as root (CI) the servers run as the
`postgres` OS user (`runuser`) in a temporary directory it owns. `stop()` stops both servers
(immediate shutdown) and removes the directory, whatever state the test left them in.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("LUOSHI_PG_BIN", "/usr/lib/postgresql/15/bin"))
SERVER_SETTINGS = """
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
full_page_writes = off
synchronous_commit = on
shared_buffers = 16MB
max_connections = 20
wal_sender_timeout = 10s
logging_collector = off
"""


def available() -> str | None:
    """Why the pair cannot run here, or None when it can."""
    if not (PG_BIN / "initdb").exists():
        return f"no PostgreSQL server binaries in {PG_BIN} (LUOSHI_PG_BIN)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgPair:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="luoshi-pgpair-"))
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, user="postgres", group="postgres")
        self.primary_dir = self.root / "primary"
        self.replica_dir = self.root / "replica"
        self.primary_port = _free_port()
        self.replica_port = _free_port()
        self.started: list[Path] = []

    def _run(self, *args: str, timeout: float = 60) -> str:
        cmd = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args[:2])} failed ({done.returncode}): {done.stderr or done.stdout}"
            )
        return done.stdout

    def _start(self, data: Path) -> None:
        self.started.append(data)
        self._run("pg_ctl", "-D", str(data), "-l", str(data.with_suffix(".log")), "-w", "-t", "30", "start")

    def start_primary(self) -> None:
        self._run("initdb", "-D", str(self.primary_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")  # fmt: skip
        with open(self.primary_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(SERVER_SETTINGS + f"port = {self.primary_port}\n")
        self._start(self.primary_dir)

    def start_replica(self) -> None:
        """The replica: a base backup of the primary as it is now, streaming from it from then on."""
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                  "-D", str(self.replica_dir), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync")  # fmt: skip
        with open(self.replica_dir / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
            conf.write(f"port = {self.replica_port}\n")
        self._start(self.replica_dir)

    def stop_replica(self) -> None:
        self._stop(self.replica_dir)

    def _stop(self, data: Path) -> None:
        # Immediate: the data is thrown away, so nothing needs a shutdown checkpoint.
        if data in self.started and (data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "-t", "20", "stop", timeout=30)

    def stop(self) -> None:
        try:
            for data in reversed(self.started):
                try:
                    self._stop(data)
                except Exception:  # the other server must still be stopped
                    pass
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def log(self, which: str = "replica") -> str:
        path = (self.replica_dir if which == "replica" else self.primary_dir).with_suffix(".log")
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def wait_for(check: object, *, timeout: float = 15, every: float = 0.05) -> bool:
    """Call `check()` until it is true or `timeout` seconds passed; its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        if check():  # type: ignore[operator]
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
