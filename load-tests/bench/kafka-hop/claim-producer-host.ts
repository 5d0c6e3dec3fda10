// A producer of claims as ingest publishes them, as a process of its own so its CPU is its own:
//   node claim-producer-host.js plain|sealed TOPIC COUNT BATCH
// Both modes publish the same kind of claims (the feature-hop bench's varied claims: fresh
// customers, a third as many as claims, some claiming often) through one KafkaPublisher, as
// ingest does; `sealed` seals on encode with the run's key store (BENCH_PII_KEK,
// BENCH_PSEUDONYM_SECRET), so each new customer's key is made (Redis SET NX, a record on
// pii.keys.v1) while the claims go out. See ClaimProducerProcess for the messages.
import 'reflect-metadata';
import { AvroSerde, ClaimSubmitted } from '@claims-mesh/contracts';
import { stack } from '@claims-mesh/testing';
import { variedClaims } from '../feature-hop/varied-claims';
import { FromProducer, ToProducer, WARMUP_CLAIMS } from './claim-producer';
import { benchPersonalData, benchSchemaOf } from './personal-data-relay';

/** The same seed in both modes: the same mix of customers, descriptions and serials, under fresh ids. */
const SEED = 7;

const reply = (message: FromProducer) => process.send?.(message);

async function main(): Promise<void> {
  const [mode, topic, countText, batchText] = process.argv.slice(2);
  const count = Number(countText);
  const batch = Number(batchText);
  if ((mode !== 'plain' && mode !== 'sealed') || !topic || !(count > 0) || !(batch > 0)) {
    throw new Error('usage: claim-producer-host plain|sealed TOPIC COUNT BATCH');
  }
  const serde = AvroSerde.forRegistry(stack.registryUrl, benchSchemaOf);
  const personalData = benchPersonalData(`bench-producer-${mode}`, serde);
  if (mode === 'sealed') serde.sealPersonalData(personalData.codec);
  const { codec, publisher } = personalData;
  const publish = (claims: ClaimSubmitted[]) => publisher.publish(topic, claims.map((claim) => ({ key: claim.claimId, value: claim })));

  const claims = Array.from({ length: count }, variedClaims(count, SEED));
  // Customers of their own, so the measured claims' keys are all still to be made.
  const warmup = Array.from({ length: WARMUP_CLAIMS }, variedClaims(WARMUP_CLAIMS, SEED + 1));
  await publish(warmup);

  process.on('message', (message: ToProducer) => {
    if (message.type === 'go') {
      void (async () => {
        const started = process.hrtime.bigint();
        for (let i = 0; i < claims.length; i += batch) await publish(claims.slice(i, i + batch));
        reply({ type: 'published', seconds: Number(process.hrtime.bigint() - started) / 1e9 });
      })().catch(fail);
    } else {
      void (async () => {
        // Encoded again only to be measured: a sealed value has the same length whatever its IV.
        let bytes = 0;
        for (const claim of claims) bytes += (await serde.encode(topic, claim)).length;
        const subjectOf = (claim: ClaimSubmitted) => codec.subjectRef(claim.customerId);
        reply({
          type: 'report',
          valueBytes: bytes / claims.length,
          subjects: new Set(claims.map(subjectOf)).size,
          keyRefs: mode === 'sealed' ? [...new Set([...warmup, ...claims].map(subjectOf))] : [],
        });
      })().catch(fail);
    }
  });
  process.once('SIGTERM', () => void personalData.close().finally(() => process.exit(0)));
  reply({ type: 'ready' });
}

function fail(error: Error): void {
  console.error(`claim producer ${process.argv.slice(2).join(' ')} failed: ${error.stack ?? error.message}`);
  process.exit(1);
}

main().catch(fail);
