"""The two reference stages the processor is measured against, each run as its own process.

Both read raw items from ``{prefix}.raw.v1``, decode each one (the same strict decoder as the
processor), encode it again and produce it to ``{prefix}.passthrough.v1`` keyed as it came,
at-least-once: an input offset is committed only after its output was acknowledged. Undecodable
input goes to ``{prefix}.dlq.v1`` like everywhere else. They do no understanding and no dedupe,
so their throughput is the ceiling for a Python stage (``aiokafka``), for a faust agent that
handles one event at a time like sitrep's processor (``faust``), and for one that handles them in
batches (``faust-batched``) on this machine and broker.

    python -m bench.stages aiokafka    # until SIGTERM; settings from SITREP_* variables
    python -m bench.stages faust       # a faust worker, configured like sitrep's processor
    python -m bench.stages faust-batched   # the same, taking 500 events at a time
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path
from typing import Any, Final

from sitrep.ops.kafka import (
    ensure_topics,
    make_consumer,
    make_producer,
    send_dead_letter,
)
from sitrep.ops.settings import Settings
from sitrep.records.codec import RecordError, decode_raw_item, encode
from sitrep.records.dlq import DeadLetter
from sitrep.records.topics import RAW, TOPICS

OUTPUT_SUFFIX: Final = "passthrough.v1"
STAGE: Final = "bench.passthrough"
BATCH: Final = 500  # events per batch of the batched faust stage ...
BATCH_WITHIN: Final = 0.05  # ... or fewer, when no more arrived within this many seconds


def group_of(settings: Settings) -> str:
    """The consumer group of either reference stage (one runs per benchmark run)."""
    return f"{settings.group_prefix}.passthrough"


async def run_aiokafka(settings: Settings, stop: asyncio.Event) -> int:
    """Bare aiokafka: consume a batch, decode -> encode -> produce each record, wait for every
    ack, then commit the batch's offsets. Returns the number of records passed through."""
    await ensure_topics(settings, TOPICS)
    consumer = make_consumer(settings, settings.topic(RAW.suffix), group=group_of(settings))
    producer = make_producer(settings)
    await consumer.start()
    await producer.start()
    output = settings.topic(OUTPUT_SUFFIX)
    passed = 0
    try:
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=200)
            if not batch:
                continue
            acks: list[Any] = []
            offsets = {}
            for tp, records in batch.items():
                for record in records:
                    try:
                        item = decode_raw_item(record.value)
                    except RecordError as exc:
                        letter = DeadLetter(
                            stage=STAGE,
                            error_class="invalid_record",
                            error=str(exc),
                            value=record.value,
                            key=record.key,
                            topic=record.topic,
                            partition=record.partition,
                            offset=record.offset,
                        )
                        await send_dead_letter(producer, settings, letter)
                        continue
                    acks.append(await producer.send(output, value=encode(item), key=record.key))
                offsets[tp] = records[-1].offset + 1
            await asyncio.gather(*acks)
            await consumer.commit(offsets)
            passed += len(acks)
    finally:
        await consumer.stop()
        await producer.stop()
    return passed


def faust_app(settings: Settings, *, batched: bool = False) -> Any:
    """A faust app with one pass-through agent, configured as :func:`sitrep.stream.app.create_app`
    configures the processor (same guarantee, commit, poll and producer settings), so that the
    difference between the two is the processor's own work.

    ``batched``: the agent takes up to :data:`BATCH` events at a time (``take_events``), hands
    each output straight to the producer (no faust ``Topic.send`` per message) and waits for all
    the acks before the batch's events are acknowledged — at-least-once, per batch.
    """
    import faust

    from sitrep.stream.app import byte_topic, faust_config

    config = faust_config(settings, f"{settings.data_dir}/faust-passthrough")
    config["processing_guarantee"] = "at_least_once"
    app = faust.App(group_of(settings), **config)
    raw_topic = byte_topic(app, settings, RAW.suffix)
    output_topic = byte_topic(app, settings, OUTPUT_SUFFIX)
    dlq_topic = byte_topic(app, settings, "dlq.v1")

    def passed(message: Any) -> bytes | DeadLetter:
        try:
            return encode(decode_raw_item(message.value))
        except RecordError as exc:
            return DeadLetter(
                stage=STAGE,
                error_class="invalid_record",
                error=str(exc),
                value=message.value,
                key=message.key,
                topic=message.topic,
                partition=message.partition,
                offset=message.offset,
            )

    if not batched:

        @app.agent(raw_topic, name="passthrough")
        async def passthrough(stream: Any) -> None:
            async for event in stream.events():
                out = passed(event.message)
                if isinstance(out, DeadLetter):
                    await dlq_topic.send(key=out.key, value=out.value, headers=out.headers())
                    continue
                await output_topic.send(key=event.message.key, value=out)

        return app

    output_name = settings.topic(OUTPUT_SUFFIX)
    dlq_name = settings.topic("dlq.v1")

    @app.agent(raw_topic, name="passthrough")
    async def passthrough_batched(stream: Any) -> None:
        async for events in stream.take_events(BATCH, within=BATCH_WITHIN):
            acks = []
            for event in events:
                message = event.message
                out = passed(message)
                if isinstance(out, DeadLetter):
                    acks.append(
                        await app.producer.send(
                            dlq_name, out.key, out.value, None, None, out.headers()
                        )
                    )
                    continue
                acks.append(
                    await app.producer.send(output_name, message.key, out, None, None, None)
                )
            await asyncio.gather(*acks)

    return app


def _run_aiokafka_until_signalled(settings: Settings) -> int:
    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        return await run_aiokafka(settings, stop)

    passed = asyncio.run(main())
    print(f"bench.stages aiokafka: {passed} records passed through", file=sys.stderr)
    return 0


def _run_faust_worker(settings: Settings, *, batched: bool) -> int:
    import faust

    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    app = faust_app(settings, batched=batched)
    worker = faust.Worker(app, loglevel="WARNING", quiet=True, override_logging=False)
    worker.execute_from_commandline()  # returns (or exits) when SIGTERM stops the worker
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stage", choices=("aiokafka", "faust", "faust-batched"))
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.stage == "aiokafka":
        return _run_aiokafka_until_signalled(settings)
    return _run_faust_worker(settings, batched=args.stage == "faust-batched")


if __name__ == "__main__":
    sys.exit(main())
