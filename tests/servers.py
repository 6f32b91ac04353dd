"""Start real servers for tests: a free loopback port, and a process that answers before use."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], probe: str, what: str) -> subprocess.Popen:
    """Run ``command`` and wait until ``probe`` answers; raises RuntimeError with the server's stderr otherwise."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(150):
        try:
            urllib.request.urlopen(probe, timeout=1).read()
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{what} did not start: {process.stderr.read().decode(errors='replace')[:500]}")
