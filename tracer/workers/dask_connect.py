"""Reach a Dask scheduler: parse its address, connect (or start a local cluster), say why not.

dask and distributed are the optional ``cluster`` extra: they are imported only when a
connection is made or checked.
"""

from __future__ import annotations

import logging
import socket
from typing import Any

from .processes import children_ignore_ctrl_c


class ClusterUnavailable(Exception):
    """The scheduler cannot be reached (or dask is not installed)."""


SCHEDULER_FORMS = "local, local:N (N workers on this machine), or HOST:PORT / tcp://HOST:PORT"
#: What to install when dask is missing.
NEEDS_DASK = "rendering on a cluster needs dask: pip install 'puray-live[cluster]'"


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


def check_port(address: str, timeout: float) -> None:
    """Fail fast and say why when nothing listens at ``address`` (refused, unknown host)."""
    host, _, port = address.partition("://")[2].rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
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


def connect(spec: str, timeout: float) -> tuple[Any, Any]:
    """Return a Dask client for ``spec`` and the local cluster it started (None for a remote)."""
    try:
        from distributed import Client, LocalCluster  # optional: the cluster extra
    except ImportError:
        raise ClusterUnavailable(NEEDS_DASK) from None
    kind, where = parse_scheduler(spec)
    cluster = None
    try:
        if kind == "local":
            with children_ignore_ctrl_c():
                cluster = LocalCluster(
                    n_workers=int(where),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # any free port: never clash with 8787
                    # its scheduler runs in this process: we report what goes wrong
                    silence_logs=logging.CRITICAL + 1,
                    preload=["tracer.workers.dask_quiet"],  # the workers' own stderr
                )
            return Client(cluster, set_as_default=False), cluster
        check_port(str(where), timeout)
        return Client(str(where), timeout=timeout, set_as_default=False), None
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise ClusterUnavailable(f"cannot reach the Dask scheduler at {where}: {exc}") from None


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
    check_port(str(where), timeout)
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
