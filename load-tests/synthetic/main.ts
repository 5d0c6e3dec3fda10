// Sends synthetic claims with a ground truth to ingest and writes the truth, keyed by the
// claimIds ingest assigned, to a file for the reviewer simulator (the truth never goes to ingest).
//
//   node load-tests/dist/synthetic/main.js --count 2000 --mode shifted --truth-out results/truth/shifted.json
import { join } from 'node:path';
import { DEFAULT_RING_SHARE, DEFAULT_SEED, GenerationMode, labelledClaims } from './labelled-claims';
import { submitLabelledClaims } from './submit-claims';

const USAGE = `usage: node load-tests/dist/synthetic/main.js [options]
  --count N          claims to send (default 1000)                      [SYNTHETIC_CLAIMS]
  --mode MODE        baseline or shifted (default baseline)             [SYNTHETIC_MODE]
  --seed N           random stream of the claims (default ${DEFAULT_SEED})              [SYNTHETIC_SEED]
  --ring-share P     shifted mode: share of ring claims (default ${DEFAULT_RING_SHARE})  [SYNTHETIC_RING_SHARE]
  --ingest-url URL   default http://127.0.0.1:3001                      [INGEST_URL]
  --api-key KEY      claims:write key (default dev-ingest-key)          [INGEST_API_KEY]
  --truth-out FILE   default results/truth/<mode>-<time>.json           [SYNTHETIC_TRUTH_OUT]`;

const ENV: Record<string, string> = {
  count: 'SYNTHETIC_CLAIMS',
  mode: 'SYNTHETIC_MODE',
  seed: 'SYNTHETIC_SEED',
  'ring-share': 'SYNTHETIC_RING_SHARE',
  'ingest-url': 'INGEST_URL',
  'api-key': 'INGEST_API_KEY',
  'truth-out': 'SYNTHETIC_TRUTH_OUT',
};

async function main(): Promise<void> {
  const s: Record<string, string | undefined> = {};
  for (const [flag, env] of Object.entries(ENV)) s[flag] = process.env[env];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--help' || argv[i] === '-h') return void console.log(USAGE);
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match || !(match[1] in ENV)) throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    s[match[1]] = match[2] ?? argv[++i];
  }
  const mode = (s.mode ?? 'baseline') as GenerationMode;
  if (mode !== 'baseline' && mode !== 'shifted')
    throw new Error(`--mode must be baseline or shifted, got ${mode}`);
  const count = Number(s.count ?? 1000);
  const claims = labelledClaims(count, {
    mode,
    seed: Number(s.seed ?? DEFAULT_SEED),
    ringShare: s['ring-share'] === undefined ? undefined : Number(s['ring-share']),
  });
  const ingestUrl = s['ingest-url'] ?? 'http://127.0.0.1:3001';
  const out =
    s['truth-out'] ??
    join(
      __dirname,
      '..',
      '..',
      '..',
      'results',
      'truth',
      `${mode}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    );
  const truth = await submitLabelledClaims(claims, { ingestUrl, apiKey: s['api-key'] });
  truth.save(out);
  const frauds = claims.filter((c) => c.fraud).length;
  const ring = claims.filter((c) => c.pattern === 'ring').length;
  console.log(
    `[synthetic] ${truth.size} ${mode} claims accepted by ${ingestUrl}: ${frauds} fraud, ${ring} from the ring`,
  );
  console.log(`[synthetic] truth: ${out}`);
}

main().catch((error: Error) => {
  console.error(`[synthetic] failed: ${error.message}`);
  process.exit(1);
});
