"""An upstream system's Avro producer, for infra/local/test/upstream-avro.int-spec.ts.

Writes records with Confluent's own Python client and its Avro serializer (Confluent wire format,
the schema as registered for the topic's subject), none of the claims mesh's code, as an upstream
system would. Reads {"topic", "partition", "records": [{"key", "value"}]} as JSON on stdin; the
stack from KAFKA_BROKERS and SCHEMA_REGISTRY_URL. Prints one JSON line per record delivered
({"key", "partition", "offset"}) and exits non-zero when any record was not.
"""
import json
import os
import sys

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


def main() -> int:
    request = json.load(sys.stdin)
    topic = request["topic"]
    registry = SchemaRegistryClient({"url": os.environ["SCHEMA_REGISTRY_URL"]})
    # The subject's registered schema, never one registered on the fly: upstream writes the
    # mesh's contract as a producer against a governed registry does.
    serializer = AvroSerializer(registry, conf={"auto.register.schemas": False, "use.latest.version": True})
    producer = Producer({"bootstrap.servers": os.environ["KAFKA_BROKERS"], "acks": "all", "enable.idempotence": True})
    failures = []

    def delivered(error, message):
        if error is not None:
            failures.append(f"{message.key()!r}: {error}")
            return
        print(json.dumps({"key": message.key().decode(), "partition": message.partition(), "offset": message.offset()}), flush=True)

    context = SerializationContext(topic, MessageField.VALUE)
    for record in request["records"]:
        # One partition for all, in order: the test's bad record goes before the good ones it must not hold up.
        producer.produce(topic, key=record["key"].encode(), value=serializer(record["value"], context),
                         partition=request["partition"], on_delivery=delivered)
    left = producer.flush(30)
    if left or failures:
        print(f"{left} records undelivered; failed: {failures}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
