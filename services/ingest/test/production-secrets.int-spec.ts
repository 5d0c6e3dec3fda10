import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretsOf, sha256Hex } from '@claims-mesh/platform';
import { deleteRedisKeys, ServiceProcess, waitFor } from '@claims-mesh/testing';
import { IngestConfig } from '../src/config';

// DEPLOYMENT_ENV=production refuses the development secrets (libs/platform's @Secret()): ingest,
// started as a real process, exits naming each variable left at its development default, and
// starts once every secret is the deployment's own.

const DEV_API_KEYS = join(__dirname, '..', '..', '..', 'infra', 'local', 'api-keys.json');

async function exitOf(service: ServiceProcess): Promise<number | null> {
  try {
    await waitFor(`${service.name} to exit`, async () => (service.running ? undefined : true), 60_000);
  } finally {
    await service.stop();
  }
  return service.exitCode;
}

describe('ingest with DEPLOYMENT_ENV=production (real process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-production-'));
  const ownKeys = join(dir, 'api-keys.json');
  const ownWebhooks = join(dir, 'webhooks.json');
  writeFileSync(ownKeys, JSON.stringify([{ id: 'prod-client', sha256: sha256Hex('a-production-key'), scopes: ['claims:write'] }]));
  writeFileSync(ownWebhooks, JSON.stringify({ allowedHosts: ['hooks.example.com'], clients: [] }));

  // The one that starts reads the status topics into Redis: a group and a key prefix of its own.
  const run = `ingest-prod-it-${randomUUID().slice(0, 8)}`;
  const own = { KAFKA_GROUP_ID: run, INGEST_KEY_PREFIX: run };

  /**
   * Ingest's other secrets (files, such as the key-encryption key) as copies of their development
   * files under paths of their own, which production accepts: this spec is about the two above.
   */
  function otherSecrets(): Record<string, string> {
    const defaults = new IngestConfig() as unknown as Record<string, string>;
    const others = secretsOf(IngestConfig).filter((name) => name !== 'API_KEYS_FILE' && name !== 'WEBHOOKS_FILE');
    return Object.fromEntries(
      others.map((name) => {
        const copy = join(dir, name);
        copyFileSync(defaults[name], copy);
        return [name, copy];
      }),
    );
  }

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await deleteRedisKeys(`${run}:*`);
  });

  it('refuses to start when API_KEYS_FILE is unset (the fallback to the development keys) and WEBHOOKS_FILE too, naming both', async () => {
    const ingest = ServiceProcess.start('ingest', 13853, { DEPLOYMENT_ENV: 'production', API_KEYS_FILE: '', WEBHOOKS_FILE: '' });
    const code = await exitOf(ingest);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(ingest.logs).toMatch(/API_KEYS_FILE: left at its development default, refused with DEPLOYMENT_ENV=production/);
    expect(ingest.logs).toMatch(/WEBHOOKS_FILE: left at its development default, refused with DEPLOYMENT_ENV=production/);
  }, 90_000);

  it('refuses the development keys file named explicitly, and names only it', async () => {
    const ingest = ServiceProcess.start('ingest', 13853, { DEPLOYMENT_ENV: 'production', API_KEYS_FILE: DEV_API_KEYS, WEBHOOKS_FILE: ownWebhooks });
    const code = await exitOf(ingest);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(ingest.logs).toMatch(/API_KEYS_FILE: left at its development default/);
    expect(ingest.logs).not.toMatch(/WEBHOOKS_FILE/);
  }, 90_000);

  it('starts with the deployment\'s own secrets, and the development keys open nothing', async () => {
    const ingest = ServiceProcess.start('ingest', 13853, { ...own, ...otherSecrets(), DEPLOYMENT_ENV: 'production', API_KEYS_FILE: ownKeys, WEBHOOKS_FILE: ownWebhooks });
    try {
      await ingest.listening(90_000);
      const submit = (key: string) => fetch(ingest.url('/v1/claims'), { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: '{}' });
      expect((await submit('dev-ingest-key')).status).toBe(401);
      expect((await submit('a-production-key')).status).toBe(400); // past the key, the empty claim fails validation
    } finally {
      await ingest.stop();
    }
  }, 120_000);
});
