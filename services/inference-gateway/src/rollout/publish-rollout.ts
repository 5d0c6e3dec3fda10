import { MODEL_ROLLOUT_TOPIC, rolloutProblems, type ModelRollout } from '@claims-mesh/contracts';
import type { KafkaPublisher } from '@claims-mesh/kafka';

/**
 * Publishes a routing decision to models.rollout.v1, keyed by its family, once it is durable
 * (acks=all): every gateway of the family applies it as it arrives. An unusable decision is
 * refused here rather than left for the gateways to skip.
 */
export async function publishRollout(publisher: KafkaPublisher, rollout: ModelRollout): Promise<void> {
  const problems = rolloutProblems(rollout);
  if (problems.length) throw new Error(`refusing to publish an unusable rollout: ${problems.join('; ')}`);
  await publisher.publish(MODEL_ROLLOUT_TOPIC, [{ key: rollout.family, value: rollout }]);
}
