// Changes the gateways' routing by publishing a rollout record, e.g.
//   node services/inference-gateway/dist/rollout/publish-rollout.cli.js --primary 1 --canary 2:0.25 --reason "shadow passed"
//   node services/inference-gateway/dist/rollout/publish-rollout.cli.js --primary 1 --stage ROLLED_BACK --candidate 2 --reason "canary overrides"
// The stage defaults from what is set (canary: CANARY, else shadow: SHADOW, else PRIMARY), the
// candidate from the canary's or shadow's version, the band to the gateway's default [0.3, 0.7].
import { parseArgs } from 'node:util';
import { AvroSerde, modelRollout, RolloutStageSymbols, type ModelRollout, type RolloutStage } from '@claims-mesh/contracts';
import { KafkaPublisher, publishRollout } from '@claims-mesh/kafka';

const USAGE =
  'usage: publish-rollout --primary V [--canary V:WEIGHT] [--shadow V] [--band LOW:HIGH] [--stage STAGE] ' +
  '[--candidate V] --reason TEXT [--decided-by NAME] [--family fraud]';

/** "A:B" as its two parts, B a number (A too when `bothNumbers`). */
function pair(flag: string, value: string, bothNumbers = false): [string, number] {
  const [first, second, ...rest] = value.split(':');
  const bad = (part: string | undefined) => part === undefined || part === '' || Number.isNaN(Number(part));
  if (rest.length || bad(second) || (bothNumbers && bad(first))) throw new Error(`--${flag} takes ${bothNumbers ? 'LOW:HIGH' : 'VERSION:WEIGHT'}, got "${value}"`);
  return [first, Number(second)];
}

function rolloutFromArgs(args: string[]): ModelRollout {
  const { values } = parseArgs({
    args,
    options: {
      family: { type: 'string', default: 'fraud' },
      primary: { type: 'string' },
      canary: { type: 'string' },
      shadow: { type: 'string' },
      band: { type: 'string', default: '0.3:0.7' },
      stage: { type: 'string' },
      candidate: { type: 'string' },
      reason: { type: 'string' },
      'decided-by': { type: 'string', default: process.env.USER ?? 'publish-rollout' },
    },
  });
  if (!values.primary || !values.reason) throw new Error(USAGE);
  const canary = values.canary ? pair('canary', values.canary) : undefined;
  const [low, high] = pair('band', values.band, true);
  const stage = values.stage ?? (canary ? 'CANARY' : values.shadow ? 'SHADOW' : 'PRIMARY');
  if (!(RolloutStageSymbols as readonly string[]).includes(stage)) throw new Error(`--stage must be one of ${RolloutStageSymbols.join(', ')}`);
  return modelRollout({
    family: values.family,
    primaryVersion: values.primary,
    canary: canary ? { version: canary[0], weight: canary[1] } : null,
    shadowVersion: values.shadow ?? null,
    uncertainLow: Number(low),
    uncertainHigh: high,
    stage: stage as RolloutStage,
    candidateVersion: values.candidate ?? canary?.[0] ?? values.shadow ?? null,
    reason: values.reason,
    decidedBy: values['decided-by'],
  });
}

async function main(): Promise<void> {
  const rollout = rolloutFromArgs(process.argv.slice(2));
  const publisher = new KafkaPublisher(
    { clientId: 'publish-rollout', brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' },
    AvroSerde.forRegistry(process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7'),
  );
  try {
    await publishRollout(publisher, rollout);
    console.log(`[rollout] published ${JSON.stringify(rollout)}`);
  } finally {
    await publisher.close();
  }
}

main().catch((error: Error) => {
  console.error(`[rollout] ${error.message}`);
  process.exit(1);
});
