"""Reach a Dask scheduler: parse its address, connect (or start a local cluster), say why not.

dask and distributed are the optional ``cluster`` extra: they are imported only when a
connection is made or checked. A local cluster listens on the loopback only and has no
dashboard: nothing of a render is readable from another machine.
"""

from __future__ import annotations

import logging
import socket
import struct
import time
from typing import Any

from .processes import children_ignore_ctrl_c, quiet_resource_tracker


class ClusterUnavailable(Exception):
    """The scheduler cannot be reached (or dask is not installed)."""


SCHEDULER_FORMS = "local, local:N (N workers on this machine), or HOST:PORT / tcp://HOST:PORT"
#: What to install when dask is missing.
NEEDS_DASK = "rendering on a cluster needs dask: pip install 'puray-live[cluster]'"
#: Where a local cluster's scheduler, nannies and workers listen.
LOOPBACK = "127.0.0.1"
#: The largest first message a Dask scheduler sends (its handshake is about 60 bytes).
MAX_HANDSHAKE = 1 << 16


def parse_scheduler(spec: str) -> tuple[str, int | str]:
    """Split 'local', 'local:N' or an address such as 'tcp://host:8786'; else ValueError."""
    spec = spec.strip()
    if spec == "local" or spec.startswith("local:"):
        count = spec.partition(":")[2] or "2"
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"'local:N' needs a whole number of workers, got {spec!r}")
        return "local", int(count)
    if not spec:
        raise ValueError(f"the scheduler address is empty; use {SCHEDULER_FORMS}")
    address = spec if "://" in spec else f"tcp://{spec}"
    protocol, _, rest = address.partition("://")
    host, _, port = rest.rpartition(":")
    if protocol not in ("tcp", "tls") or not host or " " in rest or not port.isdigit():
        raise ValueError(f"not a scheduler address: {spec!r}; use {SCHEDULER_FORMS}")
    return "remote", address


def check_port(address: str, timeout: float) -> socket.socket:
    """Return a socket connected to ``address``; say why not (refused, unknown host)."""
    host, _, port = address.partition("://")[2].rpartition(":")
    try:
        return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
    except socket.gaierror:
        raise ClusterUnavailable(
            f"cannot reach the Dask scheduler at {address}: unknown host {host!r}"
        ) from None
    except ConnectionRefusedError:
        raise ClusterUnavailable(
            f"cannot reach the Dask scheduler at {address}: connection refused "
            "(is dask-scheduler running there?)"
        ) from None
    except OSError as exc:
        raise ClusterUnavailable(
            f"cannot reach the Dask scheduler at {address}: {exc.strerror or exc}"
        ) from None


def check_answers(address: str, timeout: float) -> None:
    """Raise ClusterUnavailable unless a Dask scheduler greets us at ``address`` in time.

    A Dask scheduler sends its handshake as soon as a connection opens; Dask's own client
    waits for it without a time limit, and reads any other first bytes (an HTTP server's
    answer) as the length of a message to allocate. So it is read here first, with a limit.
    Over TLS only the port is checked.
    """
    with check_port(address, timeout) as sock:
        if address.startswith("tls://"):
            return
        deadline = time.monotonic() + timeout
        try:
            (size,) = struct.unpack("<Q", _receive(sock, 8, deadline))
            greeting = _receive(sock, size, deadline) if 0 < size <= MAX_HANDSHAKE else b""
        except TimeoutError:
            raise ClusterUnavailable(
                f"{address} did not answer as a Dask scheduler within {timeout:g} s "
                "(is it the address of a dask-scheduler?)"
            ) from None
        except OSError as exc:
            raise ClusterUnavailable(
                f"{address} closed the connection before answering as a Dask scheduler "
                f"({exc.strerror or exc})"
            ) from None
    if not _is_handshake(greeting):
        raise ClusterUnavailable(
            f"{address} answered, but not as a Dask scheduler (is it the address of a "
            "dask-scheduler, not of its dashboard or another server?)"
        )


def _receive(sock: socket.socket, count: int, deadline: float) -> bytes:
    """Read exactly ``count`` bytes before ``deadline``; TimeoutError, or OSError if closed."""
    data = bytearray()
    while len(data) < count:
        sock.settimeout(max(0.001, deadline - time.monotonic()))
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("connection closed")
        data += chunk
    return bytes(data)


def _is_handshake(greeting: bytes) -> bool:
    """Tell whether ``greeting`` is a Dask handshake message (the scheduler's first words)."""
    from distributed.protocol import loads
    from distributed.protocol.utils import unpack_frames

    try:
        message = loads(unpack_frames(greeting), deserialize=False)
    except Exception:  # anything else is simply not Dask
        return False
    return isinstance(message, dict) and "pickle-protocol" in message


def connect(spec: str, timeout: float) -> tuple[Any, Any]:
    """Return a Dask client for ``spec`` and the local cluster it started (None for a remote)."""
    try:
        from distributed import Client  # optional: the cluster extra
    except ImportError:
        raise ClusterUnavailable(NEEDS_DASK) from None
    kind, where = parse_scheduler(spec)
    if kind == "local":
        cluster = _local_cluster(int(where))
        try:
            return Client(cluster, set_as_default=False), cluster
        except BaseException:
            cluster.close()
            raise
    check_answers(str(where), timeout)
    try:
        return Client(str(where), timeout=timeout, set_as_default=False), None
    except (OSError, TimeoutError) as exc:
        raise ClusterUnavailable(f"cannot reach the Dask scheduler at {where}: {exc}") from None


def _local_cluster(workers: int) -> Any:
    """Start a LocalCluster on the loopback; Ctrl+C while it starts stops it once it is up."""
    from distributed import LocalCluster  # optional: the cluster extra

    cluster = None
    quiet_resource_tracker()  # no leaked-semaphore warning after a killed render
    try:
        with children_ignore_ctrl_c():  # a Ctrl+C now waits here, and is raised on leaving
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host=LOOPBACK,  # the scheduler, the nannies and the workers
                # the scheduler's HTTP server (health, metrics) on a free loopback port, with
                # no dashboard: a bare port would listen on every address
                dashboard_address=f"{LOOPBACK}:0",
                scheduler_kwargs={"dashboard": False},
                # its scheduler runs in this process: we report what goes wrong
                silence_logs=logging.CRITICAL + 1,
                preload=["tracer.workers.dask_quiet"],  # the workers' own stderr
            )
        return cluster
    except (OSError, TimeoutError) as exc:
        raise ClusterUnavailable(f"cannot start a local Dask cluster: {exc}") from None
    except BaseException:
        if cluster is not None:
            cluster.close()
        raise


def check_scheduler(spec: str, timeout: float = 3.0) -> str:
    """Say what exporting to ``spec`` would use; raise ClusterUnavailable if it cannot work.

    A remote scheduler is contacted (and must have workers); 'local:N' is only checked for
    dask being installed, since its cluster starts when a render needs it.
    """
    kind, where = parse_scheduler(spec)
    try:
        from distributed import Client  # optional: the cluster extra
    except ImportError:
        raise ClusterUnavailable(NEEDS_DASK) from None
    if kind == "local":
        return f"a local Dask cluster of {where} workers starts when an export needs it"
    check_answers(str(where), timeout)
    try:
        client = Client(str(where), timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterUnavailable(f"cannot reach the Dask scheduler at {where}: {exc}") from None
    try:
        workers = len(client.scheduler_info().get("workers", {}))
    finally:
        client.close()
    if workers == 0:
        raise ClusterUnavailable(f"the Dask scheduler at {where} has no workers")
    return f"connected to {where}: {workers} worker{'s' if workers != 1 else ''}"
