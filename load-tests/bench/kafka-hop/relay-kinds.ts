import { AvroSerde, valueSchema } from '@claims-mesh/contracts';
import { stack } from '@claims-mesh/testing';
import { KafkajsRelay, KafkajsTransactionalRelay } from './kafkajs-reference-relay';
import { PersonalDataRelay } from './personal-data-relay';
import { NativeRelay, Relay, RelayTopics, TransportRelay } from './relays';

/** Every topic a relay reads in the benches is ClaimSubmitted (a throw-away copy of claims.submitted.v1). */
const claimSerde = () => AvroSerde.forRegistry(stack.registryUrl, () => valueSchema('ClaimSubmitted'));

/** The relays the benches run, by the name a relay process is started with. */
export const RELAY_KINDS = {
  /** Bare relay on the new client's native API. */
  bare: (topics: RelayTopics): Relay => new NativeRelay(topics),
  /** The service transport, at-least-once. */
  transport: (topics: RelayTopics): Relay => new TransportRelay(topics, claimSerde(), false),
  /** The service transport, exactly-once (one transaction per commit interval). */
  transactional: (topics: RelayTopics): Relay => new TransportRelay(topics, claimSerde(), true),
  /** Reference: the kafkajs bare relay. */
  kafkajs: (topics: RelayTopics): Relay => new KafkajsRelay(topics),
  /** Reference: kafkajs with a transaction per partition batch (the old transport's scheme). */
  'kafkajs-transactional': (topics: RelayTopics): Relay => new KafkajsTransactionalRelay(topics),
  /** The service transport reading plaintext claims' personal data as feature does (sealing off). */
  'pii-plain': (topics: RelayTopics): Relay => new PersonalDataRelay(topics, claimSerde(), false),
  /** The same on sealed claims: each opened with the run's key store, re-published sealed (sealing on). */
  'pii-sealed': (topics: RelayTopics): Relay => new PersonalDataRelay(topics, claimSerde(), true),
} as const;

export type RelayKind = keyof typeof RELAY_KINDS;

export function isRelayKind(name: string): name is RelayKind {
  return Object.hasOwn(RELAY_KINDS, name);
}
