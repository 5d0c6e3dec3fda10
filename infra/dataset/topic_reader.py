"""Reads a topic whole: every partition from its first record to the end it had when reading began.

Partitions are assigned, not subscribed: no consumer group is joined and no offset is committed,
so every run reads the topics from the start. The job is idempotent by what it writes (a claim
already in the dataset is skipped), not by where it stopped reading, and so it also absorbs a
topic that was replayed or re-produced.
"""
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

BATCH = 10_000
# The broker answered nothing for this long although records were left to read: give up loudly.
STALL_SECONDS = 60


def read_to_end(bootstrap_servers, topic, wanted_keys=None):
    """Yields the topic's records (confluent_kafka Message) in partition order up to each
    partition's end at the start. With `wanted_keys` (a set of bytes), only records with one of
    those keys or with no key are yielded: the mesh keys every topic by claimId, so a caller
    that needs a few claims skips the others without decoding them."""
    consumer = Consumer({
        "bootstrap.servers": bootstrap_servers,
        "group.id": "training-dataset",  # never joined (assign only) nor committed to
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        # The end of a partition is reported as an event, which also covers a partition whose
        # last offsets are transaction markers (the exactly-once services' topics) that no
        # record ever reaches.
        "enable.partition.eof": True,
        "isolation.level": "read_committed",
        "fetch.max.bytes": 64 * 1024 * 1024,
    })
    try:
        metadata = consumer.list_topics(topic, timeout=15)
        found = metadata.topics.get(topic)
        if found is None or found.error is not None:
            raise SystemExit(f"[dataset] topic {topic} cannot be read: {found.error if found else 'not found'}")
        ends = {}
        for partition in sorted(found.partitions):
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=15)
            if high > low:
                ends[partition] = high
        if not ends:
            return
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in ends])
        last_progress = time.monotonic()
        while ends:
            messages = consumer.consume(BATCH, timeout=1.0)
            if messages:
                last_progress = time.monotonic()
            elif time.monotonic() - last_progress > STALL_SECONDS:
                raise SystemExit(f"[dataset] {topic}: no records for {STALL_SECONDS}s with partitions {sorted(ends)} unread")
            for message in messages:
                partition = message.partition()
                if partition not in ends:
                    continue  # read past its end at the start (records produced since)
                error = message.error()
                if error is not None:
                    if error.code() == KafkaError._PARTITION_EOF:
                        ends.pop(partition, None)
                        continue
                    raise KafkaException(error)
                if message.offset() >= ends[partition] - 1:
                    ends.pop(partition)
                if wanted_keys is None or message.key() is None or message.key() in wanted_keys:
                    yield message
    finally:
        consumer.close()
