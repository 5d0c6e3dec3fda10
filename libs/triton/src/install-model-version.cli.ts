// Puts a trained version of the fraud models into service on every Triton shard, with no restart
// (or takes one out with --remove), e.g.
//   node libs/triton/dist/install-model-version.cli.js --candidates .stack/models/candidates
//   node libs/triton/dist/install-model-version.cli.js --candidates DIR --version 3 --models fraud_student,fraud_teacher
//   node libs/triton/dist/install-model-version.cli.js --remove --version 3
// --version defaults to the one version the candidates hold, --models to every model of the
// candidates holding it (with --remove: fraud_student,fraud_teacher), --repository to the local
// stack's live repository, --shards to TRITON_SHARDS (127.0.0.1:8001,127.0.0.1:8101).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { liveRepository } from './live-repository';
import { installModelVersion, removeModelVersion } from './model-repository';

const USAGE =
  'usage: install-model-version --candidates DIR [--version V] [--models A,B] [--repository DIR] [--shards H:P,H:P] [--timeout-ms MS]\n' +
  '       install-model-version --remove --version V [--models A,B] [--repository DIR] [--shards H:P,H:P] [--timeout-ms MS]';

/** The versions each model directory of `candidates` holds. */
function candidateVersions(candidates: string): Map<string, string[]> {
  if (!existsSync(candidates)) throw new Error(`no candidates at ${candidates}`);
  const models = readdirSync(candidates, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'));
  return new Map(
    models.map((model) => [
      model.name,
      readdirSync(join(candidates, model.name), { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && /^[0-9]+$/.test(entry.name))
        .map((entry) => entry.name),
    ]),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      candidates: { type: 'string' },
      version: { type: 'string' },
      models: { type: 'string' },
      repository: { type: 'string' },
      shards: { type: 'string', default: process.env.TRITON_SHARDS ?? '127.0.0.1:8001,127.0.0.1:8101' },
      'timeout-ms': { type: 'string', default: '120000' },
      remove: { type: 'boolean', default: false },
    },
  });
  const timeoutMs = Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new Error(`--timeout-ms must be a positive integer\n${USAGE}`);
  const repository = values.repository ?? liveRepository();
  const shards = values.shards.split(',').filter(Boolean);
  const log = (line: string) => console.log(`[install-model-version] ${line}`);

  if (values.remove) {
    if (!values.version) throw new Error(USAGE);
    const models = (values.models ?? 'fraud_student,fraud_teacher').split(',');
    await removeModelVersion({ repository, models, version: values.version, shards, timeoutMs, log });
    return;
  }
  if (!values.candidates) throw new Error(USAGE);
  const held = candidateVersions(values.candidates);
  const versions = [...new Set([...held.values()].flat())];
  const version = values.version ?? (versions.length === 1 ? versions[0] : undefined);
  if (!version) throw new Error(`${values.candidates} holds versions ${versions.join(', ') || 'none'}: name one with --version`);
  const models = values.models ? values.models.split(',') : [...held].filter(([, v]) => v.includes(version)).map(([model]) => model).sort();
  if (models.length === 0) throw new Error(`no model of ${values.candidates} has version ${version}`);
  const result = await installModelVersion({ candidatesDir: values.candidates, repository, models, version, shards, timeoutMs, log });
  log(`${models.join(' + ')} version ${version} served by ${Object.keys(result.shardMs).join(', ')}`);
}

main().catch((error: Error) => {
  console.error(`[install-model-version] ${error.message}`);
  process.exit(1);
});
