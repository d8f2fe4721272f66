"""A private Virtuoso (Debian ``virtuoso-opensource-7``) on 127.0.0.1, for the tests and benchmarks that need it.

A fresh database in a scratch folder, its own SQL and HTTP ports, SPARQL Update granted to the anonymous
``SPARQL`` user of ``/sparql`` (as the README's Virtuoso set-up says). ``available()`` tells whether the
package is installed; ``ensure_installed()`` installs it with apt when it is not (the test set-up does).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from apt_install import apt_install
from oxigraph_server import wait_until_answering

SERVER = "virtuoso-t"
ISQL = "isql-vt"
INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {dir}
DefaultIsolation = {isolation}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


PACKAGE = "virtuoso-opensource-7-bin"  # the server and isql only: the full package also starts a system service


def available() -> bool:
    """Whether Virtuoso's server and isql are installed (Debian ``virtuoso-opensource-7``)."""
    return shutil.which(SERVER) is not None and shutil.which(ISQL) is not None


def ensure_installed() -> str | None:
    """Install Debian's Virtuoso if it is missing (about 10 s); ``None`` when it is there, else why not.

    The test set-up starts its own Virtuoso, so a fresh CI machine installs the binaries here, the way
    the README's set-up does, rather than skipping the test. Needs root (or password-less sudo) and
    apt; without them the reason is returned for the caller's skip message.
    """
    return apt_install(PACKAGE, available)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def virtuoso_server(location: Path, isolation: int = 2) -> Iterator[str]:
    """Run Virtuoso on a new database in ``location`` until the block ends; yields the ``/sparql`` URL.

    ``isolation`` is Virtuoso's ``DefaultIsolation``: 2 read committed (its default), 4 repeatable read,
    8 serializable.
    """
    location.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = _free_port(), _free_port()
    ini = location / "virtuoso.ini"
    ini.write_text(
        INI.format(dir=location, sql_port=sql_port, http_port=http_port, isolation=isolation), encoding="utf-8"
    )
    server = subprocess.Popen(
        [SERVER, "+foreground", "+configfile", str(ini)],
        cwd=location,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        if not wait_until_answering(url, server, seconds=60, pause=0.2):
            log = (location / "virtuoso.log").read_text(errors="replace")[-1500:]
            raise RuntimeError(f"Virtuoso did not start: {log}")
        grant = "GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"
        subprocess.run(
            [ISQL, str(sql_port), "dba", "dba", f"exec={grant}"], check=True, capture_output=True, timeout=60
        )
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
