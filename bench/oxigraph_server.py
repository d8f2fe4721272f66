"""A real Oxigraph SPARQL server (PyPI ``oxigraph``) on 127.0.0.1 for the benchmarks that compare stores."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def wait_until_answering(url: str, server: subprocess.Popen[bytes], *, seconds: float, pause: float) -> bool:
    """True once ``url`` answers ``ASK {}``; False when ``server`` exits or ``seconds`` pass first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2).read()
            return True
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                return False
            time.sleep(pause)


@contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """Serve a store at ``location`` (union default graph, as ours) until the block ends; yields the query URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    exe = Path(sys.executable).parent / "oxigraph"
    server = subprocess.Popen(
        [str(exe), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        if not wait_until_answering(url, server, seconds=20, pause=0.1):
            raise RuntimeError("the Oxigraph server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
