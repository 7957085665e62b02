"""The usage flush: moves the counts buffered in Redis to DynamoDB, one conditional add per
counter per flush, exact when a worker dies anywhere in the middle and the flush runs again.

The scheme, per namespace (keys in `UsageBufferKeys`):

1. Single flight: a lease `lock` (SET NX PX with a random token, renewed while the flush
   runs, released only by its holder). A dead worker's lease lapses after `lock_seconds`.
2. Start (one Lua script, so atomic): if a `flushing` hash is left over from a flush that
   did not finish, resume it with the id stored beside it in `flushing:id`. Otherwise RENAME
   `pending` to `flushing` and store a new flush id there. Recorders keep adding to a fresh
   `pending` hash meanwhile. Flush ids come from Redis's clock (microseconds), forced above
   the last id issued, so they only grow, even across Redis restarts that lose the data.
3. Apply: for each counter, one UpdateItem `ADD count :n SET last_flush = :id` conditioned
   on `attribute_not_exists(last_flush) OR last_flush < :id` (several at once, in chunks;
   the lease is renewed after each chunk). A replayed flush skips the counters it already
   applied (ConditionalCheckFailed); a flush that outlived its lease cannot add after the
   next flush (its id is older). Synchronous adds leave `last_flush` alone.
4. Finish (Lua): delete `flushing` and `flushing:id`, only if the id is still this flush's.

A crash before 4 leaves `flushing` for the next flush to resume, so no count is lost; the
conditions make every counter's add happen once per flush id, so no count is doubled. A flush
that resumed a leftover goes on with the pending counts in the same run.
"""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import redis

from adapters.events.usage import UsageBufferKeys, decode_field
from domains.shared.usage import UsageCounts, UsageKey

log = logging.getLogger("nexus.usage")
CHUNK = 200  # counters applied between two renewals of the lease

# KEYS: pending, flushing, flushing:id, last-flush-id. Returns {id, resumed} or nil.
_START = """
local id = redis.call('GET', KEYS[3])
local leftover = redis.call('EXISTS', KEYS[2]) == 1
if leftover and id then return {id, 1} end
if not leftover and redis.call('EXISTS', KEYS[1]) == 0 then return false end
local now = redis.call('TIME')
local next_id = tonumber(now[1]) * 1000000 + tonumber(now[2])
local last = tonumber(redis.call('GET', KEYS[4]) or '0')
if next_id <= last then next_id = last + 1 end
id = string.format('%.0f', next_id)
redis.call('SET', KEYS[4], id)
if not leftover then redis.call('RENAME', KEYS[1], KEYS[2]) end
redis.call('SET', KEYS[3], id)
if leftover then return {id, 1} end
return {id, 0}
"""
# KEYS: flushing, flushing:id. ARGV: the flush id.
_FINISH = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
"""
# KEYS: lock. ARGV: token, lease in ms (0 releases).
_LEASE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then return redis.call('DEL', KEYS[1]) end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
"""


@dataclass
class FlushReport:
    """What one run did: `applied` adds made, `skipped` found already made (a replay)."""

    busy: bool = False
    flush_ids: list[int] = field(default_factory=list)
    resumed: bool = False
    counters: int = 0
    applied: int = 0
    skipped: int = 0
    events: int = 0


class UsageFlusher:
    """Moves the buffered counts of one namespace to the `UsageCounts` port (see above)."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        keys: UsageBufferKeys,
        counts: UsageCounts,
        lock_seconds: float = 30.0,
        workers: int = 8,
    ) -> None:
        self._redis = client
        self._keys = keys
        self._counts = counts
        self._lease_ms = max(int(lock_seconds * 1000), 100)
        self._workers = workers
        self._start = client.register_script(_START)
        self._finish = client.register_script(_FINISH)
        self._lease = client.register_script(_LEASE)

    def flush(self) -> FlushReport:
        """Flush a leftover flush, if any, then the pending counts; busy if another runs."""
        token = uuid.uuid4().hex
        if not self._redis.set(self._keys.lock, token, nx=True, px=self._lease_ms):
            return FlushReport(busy=True)
        report = FlushReport()
        try:
            for _ in range(2):
                started = self._start(keys=self._start_keys())
                if not started:
                    break
                flush_id, resumed = int(started[0]), bool(int(started[1]))
                self._apply(flush_id, token, report)
                self._finish(keys=[self._keys.flushing, self._keys.flushing_id], args=[flush_id])
                report.flush_ids.append(flush_id)
                report.resumed = report.resumed or resumed
                if not resumed:
                    break
        finally:
            self._lease(keys=[self._keys.lock], args=[token, 0])
        return report

    def _start_keys(self) -> list[str]:
        k = self._keys
        return [k.pending, k.flushing, k.flushing_id, k.last_id]

    def _apply(self, flush_id: int, token: str, report: FlushReport) -> None:
        """Adds every counter of the flushing hash, a chunk at a time, `workers` at once,
        renewing the lease between chunks."""
        seen: set[str] = set()  # HSCAN may return a field twice; each counter is added once
        chunk: list[tuple[UsageKey, int]] = []
        with ThreadPoolExecutor(self._workers, thread_name_prefix="usage-flush") as pool:
            for name, value in self._redis.hscan_iter(self._keys.flushing, count=CHUNK):
                if name not in seen:
                    seen.add(name)
                    chunk += _parsed(name, value, flush_id)
                if len(chunk) >= CHUNK:
                    self._apply_chunk(pool, chunk, flush_id, report)
                    self._lease(keys=[self._keys.lock], args=[token, self._lease_ms])
                    chunk = []
            self._apply_chunk(pool, chunk, flush_id, report)

    def _apply_chunk(
        self,
        pool: ThreadPoolExecutor,
        chunk: list[tuple[UsageKey, int]],
        flush_id: int,
        report: FlushReport,
    ) -> None:
        added = pool.map(lambda item: self._counts.add_once(item[0], item[1], flush_id), chunk)
        for (_, amount), applied in zip(chunk, added, strict=True):
            report.counters += 1
            if applied:
                report.applied += 1
                report.events += amount
            else:
                report.skipped += 1


def _parsed(name: str, value: str, flush_id: int) -> list[tuple[UsageKey, int]]:
    try:
        return [(decode_field(name), int(value))]
    except ValueError:
        log.error("usage flush %s: dropping malformed field %r", flush_id, name)
        return []
