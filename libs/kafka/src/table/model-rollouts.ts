import { AvroSerde, MODEL_ROLLOUT_TOPIC, rolloutProblems, WireFormatError, type ModelRollout } from '@claims-mesh/contracts';
import type { KafkaPublisher } from '../publisher';
import { RefusedRecord } from './keyed-table';

/**
 * Both ends of models.rollout.v1, shared by whoever publishes a routing decision (the rollout
 * controller, the publish-rollout CLI) and whoever reads the topic as a table (the gateway, the
 * controller): the same rules refuse an unusable record on either side.
 */

/**
 * Publishes a routing decision, keyed by its family, once it is durable (acks=all): every gateway
 * of the family applies it as it arrives. An unusable decision is refused here rather than left
 * for the gateways to skip.
 */
export async function publishRollout(publisher: KafkaPublisher, rollout: ModelRollout): Promise<void> {
  const problems = rolloutProblems(rollout);
  if (problems.length) throw new Error(`refusing to publish an unusable rollout: ${problems.join('; ')}`);
  await publisher.publish(MODEL_ROLLOUT_TOPIC, [{ key: rollout.family, value: rollout }]);
}

/**
 * A record of the topic as a rollout, or RefusedRecord when it can never be routing (bytes that
 * are not one, an unusable one, or one whose key is not its family); a registry outage is thrown
 * as is, to be retried.
 */
export async function readRollout(serde: AvroSerde, bytes: Buffer, key: string): Promise<ModelRollout> {
  let rollout: ModelRollout;
  try {
    rollout = await serde.decode<ModelRollout>(MODEL_ROLLOUT_TOPIC, bytes);
  } catch (error) {
    if (error instanceof WireFormatError) throw new RefusedRecord(error.message);
    throw error;
  }
  const problems = rolloutProblems(rollout);
  if (rollout.family !== key) problems.push(`key "${key}" is not the record's family "${rollout.family}"`);
  if (problems.length) throw new RefusedRecord(problems.join('; '));
  return rollout;
}
