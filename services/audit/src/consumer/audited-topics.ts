import { meshTopics } from '@claims-mesh/contracts';
import { isStageTopic } from '../lineage/stages';

const topics = meshTopics();

/**
 * Every Avro claim-event topic of libs/contracts/topics.json: each record is a step of its
 * claim. Control topics (the model rollout) are no step of a claim; the scored record already
 * names the model version that scored it. Nor are the entrances: upstream's plaintext, which
 * audit would index unsealed; their claims are audited as ingest re-publishes them.
 */
export const STAGE_TOPICS = topics
  .filter((t) => t.kind === 'event' && !t.isDeadLetter && !t.entrance && t.valueFormat === 'avro')
  .map((t) => t.name);

/** Every dead-letter twin of topics.json, the JSON entrance's included. */
export const DEAD_LETTER_TOPICS = topics.filter((t) => t.isDeadLetter).map((t) => t.name);

// A topic added to topics.json must not go unaudited silently: the service refuses to start.
const unknown = STAGE_TOPICS.filter((topic) => !isStageTopic(topic));
if (unknown.length) {
  throw new Error(
    `audit has no lineage stage for topic(s) ${unknown.join(', ')} of topics.json: add them to lineage/stages.ts`,
  );
}
