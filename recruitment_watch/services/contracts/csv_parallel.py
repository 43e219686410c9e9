"""A large contract file's rows read and validated in worker processes, while this process looks up what they refer
to and spools the good rows.

Reading the cells and validating both input models is most of an import's first pass and needs no database: at
100,000 contracts it is about half the import's CPU time. On a server with two cores or more, files of at least
``PARALLEL_FROM_ROWS`` rows hand it to ``WORKERS`` processes (spawned, like the demo loader's: a fork of a threaded
web process is unsafe), a chunk at a time and at most ``WINDOW`` chunks ahead, so memory stays bounded; the chunks
come back in file order, so every check after them, and every error, is what the same file imported inline gives
(a test holds the two to the same result). Smaller files are read inline: starting the processes costs about a second.
Payment rows stay inline: validating one needs its contract, looked up first.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from recruitment_watch.services.contracts.csv_import import ContractReader, Parsed
from recruitment_watch.services.contracts.csv_reading import CsvRow

PARALLEL_FROM_ROWS = 20_000
WORKERS = 2
WINDOW = 4  # chunks read ahead of the checks


def parse_contracts(agency_id: int, rows: Sequence[CsvRow]) -> Parsed:
    """In a worker process: a chunk of contract rows read and validated (``ContractReader.parse``)."""
    return ContractReader(agency_id).parse(rows)


def parsed_chunks(kind: str, agency_id: int, chunks: Iterable[list[CsvRow]], rows_total: int, *,
                  parallel_from: int = PARALLEL_FROM_ROWS) -> Iterator[tuple[list[CsvRow], Parsed | None]]:  # fmt: skip
    """Each chunk with its rows already read and validated by a worker process, or with None (the caller reads it)
    when the file is small, of payments, or the machine has one core."""
    if kind != ContractReader.kind or rows_total < parallel_from or (os.cpu_count() or 1) < 2:
        yield from ((chunk, None) for chunk in chunks)
        return
    pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"))
    try:
        ahead: deque[tuple[list[CsvRow], Future[Parsed]]] = deque()
        for chunk in chunks:
            ahead.append((chunk, pool.submit(parse_contracts, agency_id, chunk)))
            if len(ahead) >= WINDOW:
                first, parsed = ahead.popleft()
                yield first, parsed.result()
        while ahead:
            first, parsed = ahead.popleft()
            yield first, parsed.result()
    finally:  # also when the import stops early: nothing more is read
        pool.shutdown(wait=True, cancel_futures=True)
