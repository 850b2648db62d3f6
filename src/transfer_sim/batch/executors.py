"""Where runs execute: in this process, on a local Dask cluster, or on an existing one.

Every executor yields ``(item, result)`` as items finish, in whatever order; the result is
the exception instead when the item could not be computed (for example a task that killed
its workers again and again). Dask re-runs the tasks of a worker that dies.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager

import dask
import numpy as np

from .. import __version__
from .errors import UserError

CONNECT_SECONDS = 10  # for a scheduler to answer
WORKER_WAIT_SECONDS = 60
# Dask's workers trim freed memory back to the system at once; the model frees and allocates
# large arrays every year, and with the trim a run takes up to 1.5 times as long.
GLIBC_MALLOC = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


class InProcess:
    description = "in-process"
    workers = 1

    def map(self, fn: Callable, items: Iterable) -> Iterator[tuple]:
        for item in items:
            yield item, fn(item)


class Dask:
    def __init__(self, client, description: str):
        self.client = client
        self.description = description

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info(n_workers=-1)["workers"]))

    def map(self, fn: Callable, items: Iterable) -> Iterator[tuple]:
        from dask.distributed import as_completed

        futures = {self.client.submit(fn, item, pure=False): item for item in items}
        try:
            for future in as_completed(futures):
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 - reported per item by the caller
                    result = error
                yield futures[future], result
                future.release()
        finally:
            self.client.cancel(list(futures))


def local_workers(workers: int | str) -> int:
    """``auto`` is one worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if workers == "auto" else int(workers)


@contextmanager
def local_cluster(workers: int):
    """A Dask cluster of single-threaded worker processes on this machine."""
    from dask.distributed import LocalCluster  # here: importing distributed takes half a second

    _quiet_resource_tracker()
    with ExitStack() as stack:
        with dask.config.set(GLIBC_MALLOC), _sigint_ignored():
            cluster = stack.enter_context(LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",  # any free port:
                silence_logs=logging.CRITICAL,  # another cluster on 8787 would print a warning; workers
            ))  # log lost connections when the driver dies, and a lost run is reported per run anyway
        yield cluster


@contextmanager
def _sigint_ignored():
    """Ignore Ctrl-C while worker processes start: they inherit that and never print a traceback of
    their own when a terminal's Ctrl-C reaches the whole process group; the driver stops them."""
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker without its warning about the semaphores of a
    killed driver: it removes them all the same."""
    from multiprocessing import resource_tracker

    before = os.environ.get("PYTHONWARNINGS")
    os.environ["PYTHONWARNINGS"] = "ignore::UserWarning:multiprocessing.resource_tracker"
    try:
        resource_tracker.ensure_running()
    finally:
        if before is None:
            del os.environ["PYTHONWARNINGS"]
        else:
            os.environ["PYTHONWARNINGS"] = before


@contextmanager
def open_executor(workers: int | str = "auto", scheduler: str | None = None):
    """An executor for ``--workers``/``--scheduler``, closed (cluster included) on exit."""
    if scheduler is None and local_workers(workers) == 0:
        yield InProcess()
        return
    from dask.distributed import Client

    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler is None:
        n = local_workers(workers)
        with local_cluster(n) as cluster, Client(cluster) as client:
            yield Dask(client, f"local Dask cluster, {n} workers")
        return
    _identify(scheduler)
    try:
        client = Client(scheduler, timeout=f"{CONNECT_SECONDS}s")
    except (OSError, TimeoutError, ValueError) as error:
        raise UserError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except TimeoutError:
            raise UserError(f"the Dask scheduler at {scheduler} has no workers "
                            f"(waited {WORKER_WAIT_SECONDS} s)") from None
        _check_versions(client, scheduler)
        yield Dask(client, f"Dask scheduler {scheduler}")


def _identify(scheduler: str) -> None:
    """Ask ``scheduler`` who it is, giving up after CONNECT_SECONDS: a Client waits for ever on a
    service that accepts connections and never answers, and chokes on one that speaks first."""
    from distributed.comm import connect

    async def identity():
        comm = await connect(scheduler, timeout=CONNECT_SECONDS)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    try:
        answer = asyncio.run(asyncio.wait_for(identity(), CONNECT_SECONDS))
    except ValueError as error:  # not an address Dask can use
        raise UserError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    except Exception:  # noqa: BLE001 - whatever a stranger sends breaks the reader somewhere
        answer = None
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        raise UserError(f"no Dask scheduler answered at {scheduler} within {CONNECT_SECONDS} s: nothing "
                        "listens there, or a service that is not Dask; check the address and port")


def _versions() -> tuple[str, str]:
    import numpy
    import transfer_sim
    return transfer_sim.__version__, numpy.__version__


def _check_versions(client, scheduler: str) -> None:
    """Identical results need the same model and numpy on every worker as here."""
    here = (__version__, np.__version__)
    for worker, there in client.run(_versions).items():
        if tuple(there) != here:
            raise UserError(f"worker {worker} of {scheduler} has transfer-sim {there[0]} with numpy "
                            f"{there[1]}; this machine has {here[0]} with {here[1]}: install the same on both")
