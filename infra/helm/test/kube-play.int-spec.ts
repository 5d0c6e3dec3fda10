import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  decidedLineage,
  DECIDED_STAGES,
  deleteRedisKeys,
  isolateMesh,
  MESH_SERVICES,
  postClaim,
  waitFor,
} from '@claims-mesh/testing';

// The chart's laptop values run for real: `make images` builds the images, infra/helm/laptop.sh
// renders values-laptop.yaml and `podman kube play`s it, so the six services run as containers
// (read-only root, user 10001) against the shared local stack; a claim posted to the containerised
// ingest must be decided and show in the containerised audit's lineage; `podman kube down` then
// removes every container. As the process meshes of the other specs, the containers get consumer
// groups and Redis names of their own (isolateMesh, passed as chart values), so they see only
// this spec's claim, whatever earlier specs left in the topics.

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const LAPTOP = join(ROOT, 'infra', 'helm', 'laptop.sh');
const CONTAINERS_CONF = join(ROOT, 'infra', 'images', 'containers.conf');
/** Not the ports of `make demo` (3001-3007) nor of infra/images/check.sh (3901-3907). */
const PORT_BASE = 3400;
const port = (name: string) => PORT_BASE + MESH_SERVICES.indexOf(name) + 1;
const url = (name: string) => `http://127.0.0.1:${port(name)}`;
/** The chart's nodeHeapMb for this play: not the images' default (256), so the check below can tell them apart. */
const HEAP_MB = 320;

async function podman(...args: string[]): Promise<string> {
  const { stdout } = await run('podman', args, {
    env: { ...process.env, CONTAINERS_CONF },
    maxBuffer: 16 << 20,
  });
  return stdout;
}

/** The running containers of the played chart: name, image, and the user and read-only root each runs with. */
async function meshContainers(): Promise<{ name: string; image: string; user: string; readOnly: boolean }[]> {
  const ids = (await podman('ps', '-q', '--filter', 'label=app.kubernetes.io/part-of=claims-mesh'))
    .split('\n')
    .filter(Boolean);
  if (ids.length === 0) return [];
  const inspected = JSON.parse(await podman('inspect', ...ids)) as {
    Name: string;
    ImageName: string;
    Config: { User: string };
    HostConfig: { ReadonlyRootfs: boolean };
  }[];
  return inspected.map((c) => ({
    name: c.Name,
    image: c.ImageName,
    user: c.Config.User,
    readOnly: c.HostConfig.ReadonlyRootfs,
  }));
}

describe('the chart on podman (laptop values, podman kube play)', () => {
  let redisKeyPatterns: string[] = [];
  let playOutput = '';

  beforeAll(async () => {
    // Cold, this installs podman and buildah from Debian and builds every image: minutes.
    await run(join(ROOT, 'infra', 'images', 'build.sh'), MESH_SERVICES, {
      maxBuffer: 64 << 20,
      timeout: 1_500_000,
    });
    const isolated = await isolateMesh();
    redisKeyPatterns = isolated.redisKeyPatterns;
    const values = MESH_SERVICES.flatMap((name) => [
      '--set',
      `services.${name}.port=${port(name)}`,
      ...Object.entries(isolated.environments[name]).flatMap(([key, value]) => [
        '--set-string',
        `services.${name}.env.${key}=${value}`,
      ]),
    ]);
    // The six services; the rollout controller (a singleton of the cluster values) is not one of them.
    ({ stdout: playOutput } = await run(
      LAPTOP,
      ['up', '--set', 'image.tag=dev', '--set', `nodeHeapMb=${HEAP_MB}`, '--set', 'services.rollout-controller=null', ...values],
      { maxBuffer: 16 << 20, timeout: 300_000 },
    ));
  }, 1_800_000);

  afterAll(async () => {
    await run(LAPTOP, ['down'], { timeout: 120_000 }).catch((error: Error) =>
      console.warn(`podman kube down failed: ${error.message}`),
    );
    for (const pattern of redisKeyPatterns) await deleteRedisKeys(pattern);
  }, 180_000);

  it('runs the six services as read-only, non-root containers of the built images, each ready', async () => {
    await Promise.all(
      MESH_SERVICES.map((name) =>
        waitFor(
          `containerised ${name} ready on ${port(name)}`,
          async () =>
            (await fetch(`${url(name)}/health/ready`).catch(() => undefined))?.ok ? true : undefined,
          180_000,
          1000,
        ),
      ),
    );
    const containers = await meshContainers();
    expect(containers.map((c) => c.image.replace(/:dev$/, '')).sort()).toEqual(
      MESH_SERVICES.map((name) => `localhost/claims-mesh/${name}`).sort(),
    );
    for (const container of containers)
      expect([container.name, container.user, container.readOnly]).toEqual([
        container.name,
        expect.stringMatching(/^10001(:10001)?$/),
        true,
      ]);
  }, 240_000);

  it("runs each service's node under the chart's heap bound (nodeHeapMb), which no flag of the image overrides", async () => {
    // What the main process (pid 1 of each container) was started with.
    const script =
      "const f = require('fs'); const list = (p) => f.readFileSync(p, 'utf8').split('\\0');" +
      "process.stdout.write(JSON.stringify({ argv: list('/proc/1/cmdline'), env: list('/proc/1/environ') }))";
    const containers = await meshContainers();
    expect(containers).toHaveLength(MESH_SERVICES.length);
    for (const container of containers) {
      const started = JSON.parse(await podman('exec', container.name, 'node', '-e', script)) as { argv: string[]; env: string[] };
      expect([container.name, started.argv.filter((arg) => arg.startsWith('--max-old-space-size'))]).toEqual([container.name, []]);
      expect([container.name, started.env]).toEqual([container.name, expect.arrayContaining([`NODE_OPTIONS=--max-old-space-size=${HEAP_MB}`])]);
    }
  }, 120_000);

  it('decides a claim posted to the containerised ingest, and the containerised audit shows its lineage', async () => {
    const claimId = await postClaim(url('ingest'));
    const lineage = await decidedLineage(url('audit'), claimId, 120_000);
    expect(lineage.stages.map((s) => s.stage).slice(0, 4)).toEqual(DECIDED_STAGES);
    expect(lineage.provenance).toEqual(
      expect.objectContaining({
        actionId: expect.any(String),
        model: expect.objectContaining({ name: expect.stringMatching(/^fraud_/) }),
      }),
    );
  }, 180_000);

  it('is removed by podman kube down', async () => {
    expect(playOutput).toMatch(/Pod:/);
    await run(LAPTOP, ['down'], { timeout: 120_000 });
    expect(await meshContainers()).toEqual([]);
    await expect(fetch(`${url('ingest')}/health/live`)).rejects.toThrow();
  }, 180_000);
});
