import { AvroSerde, schemaIdOf, TopicValues, WireFormatError } from '@claims-mesh/contracts';
import { InboundRecord } from '@claims-mesh/kafka';
import { DeadLetterContents, twinOf } from '../lineage/dead-letter-write';
import { claimOf, isStageTopic } from '../lineage/stages';

/**
 * Reads what it can of a dead letter's original bytes, with the schema of the topic it
 * failed on (JSON for the JSON entrance). Bytes that never decode leave the ids to the
 * record key; a registry outage throws, so the batch is retried.
 */
export async function deadLetterContentsOf(
  serde: AvroSerde,
  record: InboundRecord<Buffer | null>,
): Promise<DeadLetterContents> {
  const topic = twinOf(record.topic);
  if (!isStageTopic(topic)) return jsonContentsOf(record.value);
  const schemaId = framedSchemaId(record.value);
  if (schemaId === undefined) return {};
  try {
    const value = await serde.decode<TopicValues[typeof topic]>(topic, record.value);
    return { schemaId, claimId: value.claimId, eventId: value.eventId, claim: claimOf(topic, value) };
  } catch (error) {
    if (error instanceof WireFormatError) return { schemaId };
    throw error;
  }
}

/** The schema id of bytes in the Confluent wire format; undefined for anything else. */
function framedSchemaId(bytes: Buffer | null): number | undefined {
  try {
    return schemaIdOf(bytes);
  } catch {
    return undefined;
  }
}

/** Ids of a claim in a JSON dead letter: only when it is an object naming them as strings. */
function jsonContentsOf(bytes: Buffer | null): DeadLetterContents {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes?.toString('utf8') ?? '');
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { claimId, eventId } = parsed as Record<string, unknown>;
  return {
    claimId: typeof claimId === 'string' && claimId ? claimId : undefined,
    eventId: typeof eventId === 'string' && eventId ? eventId : undefined,
  };
}
