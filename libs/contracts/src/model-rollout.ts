import { randomUUID } from 'node:crypto';
import type { ControlTopic, ModelRollout } from './generated/contracts';

/** The compacted topic of the gateway's routing, one record per model family (the key). */
export const MODEL_ROLLOUT_TOPIC: ControlTopic = 'models.rollout.v1';

/** Triton version numbers: the model repository's directories 1, 2, ... */
const VERSION = /^[1-9][0-9]*$/;

/**
 * What makes a rollout record unusable as routing, one message per problem (none: usable).
 * The schema cannot say these, and both ends apply them: the publisher refuses to send such a
 * record and the gateway refuses to apply one that got onto the topic anyway.
 */
export function rolloutProblems(rollout: ModelRollout): string[] {
  const problems: string[] = [];
  const version = (field: string, value: string | null) => {
    if (value !== null && !VERSION.test(value)) problems.push(`${field} "${value}" is not a model version number`);
  };
  const share = (field: string, value: number) => {
    if (!(value >= 0 && value <= 1)) problems.push(`${field} ${value} is outside 0..1`);
  };
  if (!rollout.family) problems.push('family is empty');
  version('primaryVersion', rollout.primaryVersion);
  version('canary.version', rollout.canary?.version ?? null);
  if (rollout.canary) share('canary.weight', rollout.canary.weight);
  version('shadowVersion', rollout.shadowVersion);
  version('candidateVersion', rollout.candidateVersion);
  share('uncertainLow', rollout.uncertainLow);
  share('uncertainHigh', rollout.uncertainHigh);
  if (rollout.uncertainLow > rollout.uncertainHigh)
    problems.push(`uncertainLow ${rollout.uncertainLow} is above uncertainHigh ${rollout.uncertainHigh}`);
  return problems;
}

/** A rollout decision as a record: a new eventId, decided now unless told when. */
export function modelRollout(decision: Omit<ModelRollout, 'eventId' | 'decidedAt'> & { decidedAt?: number }): ModelRollout {
  return { ...decision, eventId: randomUUID(), decidedAt: decision.decidedAt ?? Date.now() };
}
