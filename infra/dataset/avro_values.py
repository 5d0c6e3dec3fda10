"""Decodes the mesh's topic values: Confluent wire format (magic byte 0, the writer schema's id as
4 bytes big-endian, the Avro body), as libs/contracts/src/wire-format.ts writes them, with
confluent-kafka's AvroDeserializer and SchemaRegistryClient.

The reader schema is the local one (schemas.py) without the pii fields, so every record is
resolved from whatever registered schema wrote it into the shape this job knows, and a schema id
that now names another record type (the stack's registry keeps schemas in memory, so ids start
again from 1 after a registry restart while Kafka keeps older records) fails resolution instead
of decoding into garbage.
"""
import json

from confluent_kafka.schema_registry import SchemaRegistryClient, prefix_schema_id_deserializer
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext, SerializationError
from fastavro.read import SchemaResolutionError

import schemas


class UndecodableValue(Exception):
    """A record that can never be decoded as it is; `problem` says why."""

    def __init__(self, problem, detail):
        super().__init__(f"{problem}: {detail}")
        self.problem = problem


def registry_client(url):
    return SchemaRegistryClient({"url": url})


class ValueDecoder:
    """Decodes the values of one topic into dicts of the local schema `schema_name`, minus pii."""

    def __init__(self, registry, topic, schema_name):
        self.topic = topic
        self.context = SerializationContext(topic, MessageField.VALUE)
        self.missing_ids = set()
        self.deserializer = AvroDeserializer(
            registry,
            json.dumps(schemas.without_pii(schemas.value_schema(schema_name))),
            conf={
                # The mesh's subjects are `<topic>-value` (TopicNameStrategy). The client's default,
                # ASSOCIATED, first asks the registry's associations API, which Apicurio's
                # Confluent-compatible API does not have (it answers 404, then the client falls back
                # to the topic name anyway): say TOPIC and skip that request.
                "subject.name.strategy.type": "TOPIC",
                # The schema id is in the value's prefix only; the mesh puts no schema-id headers.
                "schema.id.deserializer": prefix_schema_id_deserializer,
            },
        )

    def decode(self, value):
        if value is None or len(value) < 6 or value[0] != 0:
            raise UndecodableValue("not-wire-format", "no magic byte 0 and 4-byte schema id before an Avro body")
        schema_id = int.from_bytes(value[1:5], "big")
        if schema_id in self.missing_ids:
            raise UndecodableValue("unknown-schema-id", f"schema id {schema_id} is not in the registry")
        try:
            return self.deserializer(value, self.context)
        except SchemaRegistryError as error:
            # 404 (Apicurio answers error code 40403 like Confluent's): the id is not there. Any
            # other registry error (an outage) is not the record's fault and stops the job.
            if error.http_status_code != 404:
                raise
            self.missing_ids.add(schema_id)
            raise UndecodableValue("unknown-schema-id", f"schema id {schema_id} is not in the registry") from None
        except SchemaResolutionError as error:
            raise UndecodableValue("incompatible-writer-schema", f"schema id {schema_id}: {error}") from None
        except (SerializationError, EOFError, ValueError, TypeError, IndexError, KeyError, UnicodeDecodeError) as error:
            raise UndecodableValue("malformed-avro", f"schema id {schema_id}: {error!r}") from None
