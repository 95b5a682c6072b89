"""Live streams under load: what every socket received while people reply several times a second.

PostgreSQL (a scratch database: migrate, seed_demo, then accounts, topics and followers through
the services), a Redis of its own, two daphne workers and one task worker (``run_task_worker``)
with production's database, Redis and task settings. ``--clients`` websocket clients, half on
each worker, each with the session of one of ``--followers`` members of "StadtLabor Kleinstadt"
who follow all ``--topics`` new topics, subscribe to one topic as its page does (``after`` = the
position the page was rendered at) and ping every ``--ping`` seconds. ``--writers`` simulated
people post replies through the reply form (CSRF token, idempotency key) at each of ``--rates``
replies per second for ``--seconds`` each.

Afterwards every client's deliveries are compared with the database: every event of its topic
stream after its start position (``forum.models.StreamEvent``) must have arrived exactly once,
live (``sent_at`` set) or healed (replayed after a gap, ``sent_at`` null).

``--faults pause,kill`` adds one run per fault at ``--fault-rate``: worker A is stopped for
``--pause`` seconds (SIGSTOP/SIGCONT), or killed (SIGKILL; its clients reconnect to worker B with
the last position they saw, as the browser does, and its writers send the same form again).

    .venv/bin/python bench/live_load.py
    .venv/bin/python bench/live_load.py --layers core,core-large,pubsub --faults pause,kill

Exits with 1 if any delivery is missing or duplicated. Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from live_clients import Reader, StreamLog, Visitor, Writer, Written, open_readers  # noqa: E402
from live_servers import (  # noqa: E402
    LAYERS,
    Prepared,
    RedisServer,
    Servers,
    copy_database,
    drop_database,
    prepare,
    server_env,
)
from ws_fanout import percentile  # noqa: E402

MAX_POSTS_PER_MINUTE = 10  # forum.services: per person
RECOVERY = 5.0  # seconds after a fault that still count as "during"
FAULTED = 0  # worker A is the one paused or killed
# The last line of a logged traceback: "package.module.SomeError: message".
EXCEPTION = re.compile(r"^(?:[a-z_]+\.)*[A-Z]\w*(?:Error|Exception|Timeout)\b.{0,80}", re.M)


# --- one run ------------------------------------------------------------------------------------


@dataclass
class Window:
    label: str
    start: float  # seconds after the first post was due


@dataclass
class Row:
    label: str
    group: str
    posts: int = 0
    failed: int = 0
    retried: int = 0
    expected: int = 0
    live: int = 0
    healed: int = 0
    missing: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    resets: int = 0
    over_capacity: int = 0
    latencies: list[float] = field(default_factory=list)  # live: received − sent_at, ms
    heal_delays: list[float] = field(default_factory=list)  # healed: received − commit, s


@dataclass
class Run:
    layer: str
    scenario: str
    rows: list[Row]
    notes: list[str]

    @property
    def failed(self) -> bool:
        return any(row.missing or row.duplicated or row.resets for row in self.rows) or not any(
            row.posts for row in self.rows
        )


class Session:
    """The runs of one invocation: each on a fresh copy of the prepared database, with fresh
    servers, readers and writers."""

    def __init__(self, args, prepared: Prepared, redis_server: RedisServer, workdir: Path) -> None:
        self.args = args
        self.prepared = prepared
        self.redis = redis_server
        self.workdir = workdir
        self.pool = concurrent.futures.ThreadPoolExecutor(max(args.writers, 8) + 4)
        self.written: list[Written] = []
        self.marks: list[tuple[str, list[int]]] = []

    async def run(self, layer: str, segments: list[tuple[float, float]], fault: str) -> Run:
        loop = asyncio.get_running_loop()
        self.redis.client.flushall()
        url = await loop.run_in_executor(self.pool, copy_database, self.prepared.url)
        try:
            env = server_env(self.workdir, url, self.redis.url, self.prepared.secret_key, layer)
            servers = await loop.run_in_executor(self.pool, Servers, self.workdir, env)
            try:
                readers, notes = await self._load(servers, url, segments, fault)
            finally:
                await loop.run_in_executor(self.pool, servers.stop)
            rows = await loop.run_in_executor(
                self.pool, analyse, url, readers, self.written, servers, self.marks, fault
            )
        finally:
            await loop.run_in_executor(self.pool, drop_database, url)
        for log in servers.logs:
            text = log.read_text()
            if count := text.count("Traceback"):
                errors = Counter(EXCEPTION.findall(text)).most_common(2)
                notes.append(f"{log.name}: {count} tracebacks: {errors}")
        failed = [w.error for w in self.written if w.post_id is None]
        if failed:
            notes.append(f"{len(failed)} replies not written, e.g. {failed[0]}")
        scenario = f"{fault} {self.args.fault_rate:g}/s" if fault else "load"
        return Run(layer, scenario, rows, notes + personal_notes(readers))

    async def _load(self, servers: Servers, url: str, segments, fault: str):
        args = self.args
        redis_log_start = self.redis.log.stat().st_size
        readers = await self._readers(servers.ports)
        tasks = []
        try:
            tasks = await open_readers(readers, servers.ports, args.ping, args.batch)
            writers = await self._writers(servers.ports)
            windows, fault_at = self._windows(segments, fault)
            origin = time.monotonic()
            marker = asyncio.create_task(self._mark(servers, windows, origin))
            injector = asyncio.create_task(self._inject(servers, fault, origin + fault_at))
            await self._write(segments, writers, servers.ports, windows, origin)
            await injector
            notes = await self._drain(readers, url)
            marker.cancel()
            self.marks.append(("end", servers.marks()))
            notes += self._memberships(readers)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        dropped = self.redis.log.read_text()[redis_log_start:].count("output buffer limits")
        if dropped:
            notes.append(f"Redis dropped {dropped} subscriber connection(s) over the pubsub limit")
        return readers, notes

    async def _readers(self, ports: list[int]) -> list[Reader]:
        """Each reader opens its topic page first (as its tab did) to learn its start position.
        Reader i: worker i mod 2, person i/2 (so each person has tabs on both), topic i mod T."""
        people, topics = self.prepared.people, self.prepared.topics
        plan = [
            (people[(i // 2) % len(people)], topics[i % len(topics)], i % 2)
            for i in range(self.args.clients)
        ]
        loop = asyncio.get_running_loop()
        afters = await asyncio.gather(
            *(
                loop.run_in_executor(self.pool, Visitor(person).open_topic, ports[worker], topic)
                for person, topic, worker in plan
            )
        )
        return [
            Reader(person, topic, worker, after)
            for (person, topic, worker), after in zip(plan, afters, strict=True)
        ]

    async def _writers(self, ports: list[int]) -> list[Writer]:
        """Writer w posts as members w, w + W, … and sends its forms to worker w mod 2."""
        people, n = self.prepared.people, self.args.writers
        writers = []
        for w in range(n):
            accounts = [Visitor(people[p % len(people)]) for p in range(w, max(n, len(people)), n)]
            writers.append(Writer(accounts, w % 2))
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(
                loop.run_in_executor(
                    self.pool, account.open_topic, ports[writer.worker], self.prepared.topics[0]
                )
                for writer in writers
                for account in writer.accounts
            )
        )
        return writers

    def _windows(self, segments, fault: str) -> tuple[list[Window], float]:
        """Reporting windows: one per rate; for a fault run before / during / after the fault."""
        if not fault:
            windows, start = [], 0.0
            for rate, seconds in segments:
                windows.append(Window(f"{rate:g}/s", start))
                start += seconds
            return windows, 0.0
        at = segments[0][1] / 3
        recovered = at + (self.args.pause if fault == "pause" else 0) + RECOVERY
        return [Window("before", 0), Window(fault, at), Window("after", recovered)], at

    async def _mark(self, servers: Servers, windows: list[Window], origin: float) -> None:
        self.marks = []
        for window in windows:
            await asyncio.sleep(max(0.0, origin + window.start - time.monotonic()))
            self.marks.append((window.label, servers.marks()))

    async def _inject(self, servers: Servers, fault: str, at: float) -> None:
        if not fault:
            return
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        process = servers.processes[FAULTED]
        if fault == "kill":
            process.kill()
            return
        os.kill(process.pid, signal.SIGSTOP)
        await asyncio.sleep(self.args.pause)
        os.kill(process.pid, signal.SIGCONT)

    async def _write(self, segments, writers: list[Writer], ports, windows, origin) -> None:
        """Post k of a segment is due k / rate seconds after its start; writer k mod W sends it
        (after its previous one, if that is still under way), into topic k mod T."""
        loop, topics, posts = asyncio.get_running_loop(), self.prepared.topics, []
        self.written, index, offset = [], 0, 0.0

        async def post(writer: Writer, topic_id: int, label: str) -> None:
            async with writer.lock:
                written = await loop.run_in_executor(
                    self.pool, writer.write, ports, topic_id, label
                )
            self.written.append(written)

        for rate, seconds in segments:
            for k in range(round(rate * seconds)):
                due = offset + k / rate
                await asyncio.sleep(max(0.0, origin + due - time.monotonic()))
                label = [window.label for window in windows if window.start <= due][-1]
                writer = writers[index % len(writers)]
                posts.append(asyncio.create_task(post(writer, topics[index % len(topics)], label)))
                index += 1
            offset += seconds
        await asyncio.sleep(max(0.0, origin + offset - time.monotonic()))
        await asyncio.gather(*posts)

    async def _drain(self, readers: list[Reader], url: str) -> list[str]:
        """Wait until every socket has everything up to its streams' heads (pings heal trailing
        losses), at most ``--drain`` seconds."""
        loop = asyncio.get_running_loop()
        began = time.monotonic()
        while True:
            heads = await loop.run_in_executor(self.pool, stream_heads, url, readers)
            behind = sum(1 for reader in readers if not _complete(reader, heads))
            if not behind or time.monotonic() - began > self.args.drain:
                break
            await asyncio.sleep(1)
        note = f"all sockets complete {time.monotonic() - began:.1f} s after the last reply"
        if behind:
            note = f"{behind} sockets still incomplete {self.args.drain:g} s after the last reply"
        return [note]

    def _memberships(self, readers: list[Reader]) -> list[str]:
        """Group memberships Redis holds at the end, against those of the open sockets: after a
        kill, the difference is what still absorbs messages for the dead worker."""
        client = self.redis.client
        channels = client.pubsub_channels("*__group__*")
        if channels:  # pub/sub: one subscription per worker and group
            held = sum(count for _channel, count in client.pubsub_numsub(*channels))
            groups = {r.stream for r in readers} | {f"user:{r.person.user_id}" for r in readers}
            alive = {r.worker for r in readers}
            needed = sum(
                len({r.stream for r in readers if r.worker == w})
                + len({r.person.user_id for r in readers if r.worker == w})
                for w in alive
            )
            return [
                f"pub/sub group subscriptions: {held} held, {needed} for open sockets "
                f"({len(groups)} groups)"
            ]
        held = sum(client.zcard(key) for key in client.scan_iter("*:group:*"))
        return [f"group memberships: {held} held, {2 * len(readers)} for open sockets"]


def stream_heads(url: str, readers: list[Reader]) -> dict[str, int]:
    streams = list({r.stream for r in readers} | {f"user:{r.person.user_id}" for r in readers})
    with psycopg.connect(url) as conn:
        return dict(
            conn.execute(
                "SELECT stream, position FROM forum_streamhead WHERE stream = ANY(%s)", [streams]
            ).fetchall()
        )


def _complete(reader: Reader, heads: dict[str, int]) -> bool:
    head = heads.get(reader.stream, 0)
    if any(p not in reader.topic.deliveries for p in range(reader.after + 1, head + 1)):
        return False
    personal = reader.personal[-1] if reader.personal else StreamLog()
    return personal.last >= heads.get(f"user:{reader.person.user_id}", 0) or not personal.deliveries


def analyse(url, readers, written, servers: Servers, marks, fault: str) -> list[Row]:
    """Every client's deliveries against the database's record of its topic stream."""
    streams = list({reader.stream for reader in readers})
    with psycopg.connect(url) as conn:
        events = conn.execute(
            "SELECT stream, position, (payload->>'post_id')::bigint, "
            "extract(epoch FROM created_at)::float FROM forum_streamevent WHERE stream = ANY(%s)",
            [streams],
        ).fetchall()
    by_stream = defaultdict(list)
    for stream, position, post_id, created in events:
        by_stream[stream].append((position, post_id, created))
    label_of = {w.post_id: w.label for w in written if w.post_id is not None}
    labels = [label for label, _marks in marks[:-1]]
    rows: dict[tuple[str, str], Row] = {}

    def row(label: str, group: str) -> Row:
        return rows.setdefault((label, group), Row(label, group))

    groups = ("A", "B") if fault else ("all",)
    for label in labels:
        for group in groups:
            row(label, group)
    for reader in readers:
        group = "AB"[reader.first_worker] if fault else "all"
        position_label = {}
        for position, post_id, created in by_stream[reader.stream]:
            if position <= reader.after:
                continue
            label = position_label[position] = label_of.get(post_id, "other")
            target = row(label, group)
            target.expected += 1
            delivery = reader.topic.deliveries.get(position)
            if delivery is None:
                target.missing += 1
            elif delivery[0] is None:
                target.healed += 1
                target.heal_delays.append(delivery[1] - created)
            else:
                target.live += 1
                target.latencies.append((delivery[1] - delivery[0]) * 1000)
        for position in reader.topic.duplicated:
            row(position_label.get(position, "other"), group).duplicated += 1
        for position in reader.topic.out_of_order:
            row(position_label.get(position, "other"), group).out_of_order += 1
        for position in reader.topic.resets:
            row(position_label.get(position, "other"), group).resets += 1
    for w in written:
        target = row(w.label, groups[0])
        target.posts += w.post_id is not None
        target.failed += w.post_id is None
        target.retried += w.retried
    for (label, start), (_next, end) in zip(marks, marks[1:], strict=False):
        row(label, groups[0]).over_capacity = servers.count("over capacity", start, end)
    order = {label: i for i, label in enumerate(labels)}
    return sorted(rows.values(), key=lambda r: (order.get(r.label, len(order)), r.group))


def personal_notes(readers: list[Reader]) -> list[str]:
    logs = [log for reader in readers for log in reader.personal]
    live = sum(1 for log in logs for sent_at, _r in log.deliveries.values() if sent_at is not None)
    healed = sum(len(log.deliveries) for log in logs) - live
    notes = [
        f"personal streams: {live} live, {healed} resyncs after a gap, "
        f"{sum(len(log.duplicated) for log in logs)} duplicated, "
        f"{sum(len(log.out_of_order) for log in logs)} out of order",
        f"sockets: {sum(r.connections for r in readers)} connections for {len(readers)} clients",
    ]
    problems = [problem for reader in readers for problem in reader.problems]
    if problems:
        notes.append(f"{len(problems)} refused/error frames, e.g. {problems[0]}")
    return notes


# --- output -------------------------------------------------------------------------------------


COLUMNS = [  # header, width; phase and clients left-aligned
    ("phase", -8), ("clients", -7), ("posts", 5), ("failed", 6), ("retried", 7),
    ("expected", 8), ("live", 6), ("healed", 6), ("missing", 7), ("dup", 4), ("ooo", 4),
    ("reset", 5), ("p50 ms", 6), ("p99 ms", 6), ("heal p50 s", 10), ("heal max s", 10),
    ("over cap.", 9),
]  # fmt: skip


def _cells(r: Row) -> list:
    def seconds(value: float | None) -> str:
        return "–" if value is None else f"{value:.1f}"

    return [
        r.label, r.group, r.posts, r.failed, r.retried, r.expected, r.live, r.healed, r.missing,
        r.duplicated, r.out_of_order, r.resets,
        f"{percentile(r.latencies, 0.5):.0f}" if r.latencies else "–",
        f"{percentile(r.latencies, 0.99):.0f}" if r.latencies else "–",
        seconds(statistics.median(r.heal_delays) if r.heal_delays else None),
        seconds(max(r.heal_delays, default=None)),
        r.over_capacity,
    ]  # fmt: skip


def print_run(run: Run) -> None:
    print(f"\n{run.layer} ({LAYERS[run.layer][0]}), {run.scenario}")
    header = " ".join(f"{name:{'<' if w < 0 else '>'}{abs(w)}}" for name, w in COLUMNS)
    print(header)
    print("-" * len(header))
    for r in run.rows:
        cells = zip(_cells(r), COLUMNS, strict=True)
        print(" ".join(f"{cell!s:{'<' if w < 0 else '>'}{abs(w)}}" for cell, (_n, w) in cells))
    for note in run.notes:
        print(f"  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layers", default="pubsub", help=f"of {', '.join(LAYERS)}")
    parser.add_argument("--rates", default="1,2,5", help="replies per second, one phase each")
    parser.add_argument("--seconds", type=float, default=60, help="seconds per rate (60)")
    parser.add_argument("--faults", default="", help="pause,kill: one more run each")
    parser.add_argument("--fault-rate", type=float, default=5, help="replies/s of fault runs")
    parser.add_argument("--pause", type=float, default=10, help="seconds worker A is stopped")
    parser.add_argument("--clients", type=int, default=100, help="websocket clients (100)")
    parser.add_argument("--followers", type=int, default=40, help="members, all following")
    parser.add_argument("--topics", type=int, default=3, help="topics the clients read (3)")
    parser.add_argument("--writers", type=int, default=20, help="simulated people posting (20)")
    parser.add_argument("--ping", type=float, default=2, help="heartbeat seconds (browser: 25)")
    parser.add_argument("--drain", type=float, default=30, help="most seconds to wait at the end")
    parser.add_argument(
        "--pubsub-limit",
        default="",
        help="Redis client-output-buffer-limit for pub/sub clients, e.g. '256kb 64kb 2' "
        "(default: Redis' own, 32mb 8mb 60)",
    )
    parser.add_argument("--batch", type=int, default=25, help="sockets opened concurrently")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    layers = args.layers.split(",")
    rates = [float(rate) for rate in args.rates.split(",")]
    faults = [fault for fault in args.faults.split(",") if fault]
    if unknown := set(layers) - LAYERS.keys() | set(faults) - {"pause", "kill"}:
        parser.error(f"unknown layer or fault: {', '.join(sorted(unknown))}")
    fastest = max(rates + ([args.fault_rate] if faults else []))
    if fastest * 60 / args.followers >= MAX_POSTS_PER_MINUTE:
        parser.error(f"{fastest:g} replies/s need more than {args.followers} members (--followers)")
    if shutil.which("redis-server") is None:
        parser.error("needs redis-server (a Redis of its own)")

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="bench-live-"))
    database, prepared = prepare(args)
    redis_server = RedisServer(workdir, args.pubsub_limit)
    runs: list[Run] = []
    try:
        session = Session(args, prepared, redis_server, workdir)
        plan = [("", [(rate, args.seconds) for rate in rates])]
        plan += [(fault, [(args.fault_rate, args.seconds)]) for fault in faults]
        for layer in layers:
            for fault, segments in plan:
                print(f"{layer}, {fault or 'load'} …", flush=True)
                runs.append(asyncio.run(session.run(layer, segments, fault)))
                print_run(runs[-1])
    finally:
        redis_server.stop()
        database.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"\n{args.clients} clients on 2 workers, {args.followers} members following "
        f"{args.topics} topics, {args.writers} writers, ping every {args.ping:g} s; "
        f"{time.monotonic() - started:.0f} s in total"
    )
    if any(run.failed for run in runs):
        print("FAILED: missing or duplicated deliveries, resets, or no post written")
        sys.exit(1)


if __name__ == "__main__":
    main()
