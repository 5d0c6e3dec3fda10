"""An upstream system's Avro producer, for infra/local/test/upstream-avro.int-spec.ts.

Writes records with Confluent's own Python client and its Avro serializer (Confluent wire format,
the schema as registered for the topic's subject), none of the claims mesh's code, as an upstream
system would. Reads {"topic", "partition", "records": [{"key", "value"}]} as JSON on stdin; the
stack from KAFKA_BROKERS and SCHEMA_REGISTRY_URL. Prints one JSON line per record delivered
({"key", "partition", "offset"}) and exits non-zero when any record was not.
"""
import faulthandler
import sys

# Before anything that could block: a run that hangs writes every thread's stack to stderr and exits
# before the spec's 90 s kill, so the failure says where it hung (a clean-clone CI run once hung
# here with nothing printed).
faulthandler.dump_traceback_later(75, exit=True)

import json  # noqa: E402
import os  # noqa: E402

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


def progress(step: str) -> None:
    print(f"produce_claims: {step}", file=sys.stderr, flush=True)


def main() -> int:
    request = json.load(sys.stdin)
    topic = request["topic"]
    # The client waits forever on a request by default; bounded, a stalled request is retried on
    # a fresh connection (its max.retries) rather than hanging the upstream system.
    registry = SchemaRegistryClient({"url": os.environ["SCHEMA_REGISTRY_URL"], "timeout": 10, "max.retries": 3})
    # The subject's registered schema, never one registered on the fly: upstream writes the
    # mesh's contract as a producer against a governed registry does.
    serializer = AvroSerializer(registry, conf={"auto.register.schemas": False, "use.latest.version": True})
    failures = []

    def delivered(error, message):
        if error is not None:
            failures.append(f"{message.key()!r}: {error}")
            return
        print(json.dumps({"key": message.key().decode(), "partition": message.partition(), "offset": message.offset()}), flush=True)

    context = SerializationContext(topic, MessageField.VALUE)
    progress(f"serializing {len(request['records'])} records against the registry's latest schema of {topic}-value")
    # Serialized before the producer starts: with the producer's first connections opening beside
    # it, the registry request stalled until its timeout in about one run of 40 here (none in 80
    # runs this way round).
    values = [serializer(record["value"], context) for record in request["records"]]
    producer = Producer({"bootstrap.servers": os.environ["KAFKA_BROKERS"], "acks": "all", "enable.idempotence": True})
    for record, value in zip(request["records"], values):
        # One partition for all, in order: the test's bad record goes before the good ones it must not hold up.
        producer.produce(topic, key=record["key"].encode(), value=value, partition=request["partition"], on_delivery=delivered)
    progress("flushing")
    left = producer.flush(30)
    if left or failures:
        print(f"{left} records undelivered; failed: {failures}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
