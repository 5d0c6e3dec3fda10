import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// The Helm chart infra/helm/claims-mesh, rendered with each of its values files by a real helm
// (v4, built from the Go module proxy by infra/helm/helm.sh) and checked three ways: helm lint
// --strict; kubernetes-validate (strict, Kubernetes KUBE_VERSION's schemas) on every core object,
// and the required fields of the CRD kinds it has no schema for (KEDA, Prometheus operator); and
// what the mesh needs of the objects, against the repository's own files (topics.json, the rule
// set, the Prometheus rules, the services' code), not against a second copy in this spec.

const ROOT = join(__dirname, '..', '..', '..');
const CHART = join(ROOT, 'infra', 'helm', 'claims-mesh');
const HELM = join(ROOT, 'infra', 'helm', 'helm.sh');
const VALIDATE = join(ROOT, 'infra', 'helm', 'kubernetes-validate.sh');
const RELEASE = 'claims-mesh';
/** The Kubernetes version the core objects are validated against (Chart.yaml asks for >=1.29). */
const KUBE_VERSION = '1.33.0';
const VALUES_FILES = ['values.yaml', 'values-laptop.yaml', 'values-production.yaml'] as const;
type ValuesFile = (typeof VALUES_FILES)[number];

const CRD_KINDS = [
  'keda.sh/v1alpha1/ScaledObject',
  'keda.sh/v1alpha1/TriggerAuthentication',
  'monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PrometheusRule',
];
const SERVICES = [
  'ingest',
  'feature',
  'inference-gateway',
  'decision',
  'human-task',
  'audit',
  'rollout-controller',
];

// Plain shapes of the rendered objects: only what the checks read.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any;
  data?: any;
  stringData?: any;
};
/* eslint-enable @typescript-eslint/no-explicit-any */

function run(
  cmd: string,
  args: string[],
  timeout = 120_000,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function helm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return run(HELM, args);
}

function render(valuesFile: ValuesFile, extra: string[] = []): Obj[] {
  const r = helm(['template', RELEASE, CHART, '-f', join(CHART, valuesFile), ...extra]);
  if (r.status !== 0) throw new Error(`helm template -f ${valuesFile} failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((doc) => {
      if (doc.errors.length)
        throw new Error(`helm template -f ${valuesFile} rendered bad YAML: ${doc.errors[0].message}`);
      return doc.toJS() as Obj | null;
    })
    .filter((o): o is Obj => o !== null);
}

/** The merged values as helm sees them (defaults under the file). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function values(valuesFile: ValuesFile): any {
  const r = helm(['show', 'values', CHART]);
  const defaults = parse(r.stdout);
  return merge(defaults, parse(readFileSync(join(CHART, valuesFile), 'utf8')) ?? {});
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function merge(base: any, over: any): any {
  if (
    over === null ||
    typeof over !== 'object' ||
    Array.isArray(over) ||
    base === null ||
    typeof base !== 'object' ||
    Array.isArray(base)
  )
    return over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? merge(base[k], v) : v;
  return out;
}

const kindKey = (o: Obj) => `${o.apiVersion}/${o.kind}`;
const ofKind = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);
/** The pods' owners: Deployments, and StatefulSets for the transactional consumers in a cluster. */
const workloads = (objs: Obj[]) => objs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const serviceWorkloads = (objs: Obj[]) =>
  workloads(objs).filter((d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'service');
const tritonDeployments = (objs: Obj[]) =>
  ofKind(objs, 'Deployment').filter((d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'triton');
const nameOf = (o: Obj) => o.metadata.labels?.['app.kubernetes.io/name'] ?? '';

// ---- the repository's own files -------------------------------------------------------------

interface TopicsFile {
  defaults: { partitions: number };
  topics: { name: string; partitions?: number; kind?: string; entrance?: boolean; valueFormat?: string }[];
}
const topicsFile = (): TopicsFile =>
  JSON.parse(readFileSync(join(ROOT, 'libs', 'contracts', 'topics.json'), 'utf8')) as TopicsFile;

function partitionsOf(topic: string): number {
  const file = topicsFile();
  const spec = file.topics.find((t) => t.name === topic);
  if (!spec) throw new Error(`${topic} is not in libs/contracts/topics.json`);
  return spec.partitions ?? file.defaults.partitions;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Whether a service consumes in Kafka transactions, as its service.ts declares (consumer.transactional). */
function isTransactionalInCode(service: string): boolean {
  return /transactional: true/.test(
    readFileSync(join(ROOT, 'services', service, 'src', 'service.ts'), 'utf8'),
  );
}

/**
 * The input topics of a service, read from its code: the first argument of each @EventPattern,
 * a string or a constant of the service's code. Audit's are computed (every Avro claim-event topic
 * and every dead-letter twin), so its list is computed here the way services/audit says.
 */
function inputTopicsInCode(service: string): string[] {
  const files = sourceFiles(join(ROOT, 'services', service, 'src')).map((f) => readFileSync(f, 'utf8'));
  const constants = new Map<string, string>();
  for (const text of files)
    for (const m of text.matchAll(/const ([A-Z_]+)(?:: \w+)? = '([a-z0-9.-]+)'/g)) constants.set(m[1], m[2]);
  const topics = new Set<string>();
  for (const text of files) {
    for (const m of text.matchAll(/@EventPattern\(\s*([^,)\s]+)/g)) {
      const arg = m[1];
      const literal = /^'([^']+)'$/.exec(arg);
      if (literal) topics.add(literal[1]);
      else if (constants.has(arg)) topics.add(constants.get(arg)!);
      else if (arg === 'STAGE_TOPICS' && service === 'audit') {
        for (const t of topicsFile().topics) {
          if ((t.kind ?? 'event') === 'event' && !t.entrance && (t.valueFormat ?? 'avro') === 'avro')
            topics.add(t.name);
        }
      } else if (arg === 'DEAD_LETTER_TOPICS' && service === 'audit') {
        // dead-letter twins: not scaled on (their lag is an alert, not load)
      } else throw new Error(`cannot tell the topic of @EventPattern(${arg}) in services/${service}`);
    }
  }
  return [...topics].sort();
}

/** Every identifier of the services' and libraries' code, to check the chart's variable names exist. */
function codeText(): string {
  return ['services', 'libs']
    .flatMap((top) => readdirSync(join(ROOT, top)).map((name) => join(ROOT, top, name, 'src')))
    .filter((dir) => {
      try {
        return statSync(dir).isDirectory();
      } catch {
        return false;
      }
    })
    .flatMap(sourceFiles)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

// ---- checks of the CRD kinds kubernetes-validate has no schema for ---------------------------

/** The problems of the CRD objects' required fields (as their CRDs' schemas require them). */
function crdProblems(objs: Obj[]): string[] {
  const problems: string[] = [];
  const targets = new Set(workloads(objs).map((w) => `${w.kind}/${w.metadata.name}`));
  const triggerAuths = new Set(ofKind(objs, 'TriggerAuthentication').map((t) => t.metadata.name));
  const services = ofKind(objs, 'Service');
  for (const o of objs) {
    const where = `${o.kind} ${o.metadata?.name}`;
    if (!o.metadata?.name) problems.push(`${o.kind} without metadata.name`);
    switch (kindKey(o)) {
      case 'keda.sh/v1alpha1/ScaledObject': {
        const s = o.spec ?? {};
        if (!s.scaleTargetRef?.name) problems.push(`${where}: spec.scaleTargetRef.name missing`);
        else if (!targets.has(`${s.scaleTargetRef.kind}/${s.scaleTargetRef.name}`))
          problems.push(
            `${where}: scales ${s.scaleTargetRef.kind} ${s.scaleTargetRef.name}, no such workload`,
          );
        if (!Array.isArray(s.triggers) || s.triggers.length === 0)
          problems.push(`${where}: spec.triggers missing`);
        for (const t of s.triggers ?? []) {
          if (typeof t.type !== 'string' || typeof t.metadata !== 'object')
            problems.push(`${where}: a trigger without type or metadata`);
          for (const [k, v] of Object.entries(t.metadata ?? {}))
            if (typeof v !== 'string') problems.push(`${where}: trigger metadata ${k} is not a string`);
          if (t.authenticationRef && !triggerAuths.has(t.authenticationRef.name))
            problems.push(`${where}: no TriggerAuthentication ${t.authenticationRef.name}`);
        }
        if (
          !Number.isInteger(s.maxReplicaCount) ||
          !Number.isInteger(s.minReplicaCount) ||
          s.minReplicaCount > s.maxReplicaCount
        ) {
          problems.push(`${where}: replica counts ${s.minReplicaCount}..${s.maxReplicaCount}`);
        }
        break;
      }
      case 'keda.sh/v1alpha1/TriggerAuthentication':
        for (const r of o.spec?.secretTargetRef ?? [])
          if (!r.parameter || !r.name || !r.key)
            problems.push(`${where}: secretTargetRef needs parameter, name and key`);
        if (!o.spec?.secretTargetRef?.length) problems.push(`${where}: no secretTargetRef`);
        break;
      case 'monitoring.coreos.com/v1/ServiceMonitor': {
        const selector: Record<string, string> = o.spec?.selector?.matchLabels ?? {};
        if (!Object.keys(selector).length) problems.push(`${where}: spec.selector.matchLabels missing`);
        if (!o.spec?.endpoints?.length) problems.push(`${where}: spec.endpoints missing`);
        const matched = services.filter((svc) =>
          Object.entries(selector).every(([k, v]) => svc.metadata.labels?.[k] === v),
        );
        if (matched.length !== 1) problems.push(`${where}: selects ${matched.length} Services`);
        for (const e of o.spec?.endpoints ?? []) {
          if (!matched.some((svc) => svc.spec.ports.some((p: { name: string }) => p.name === e.port)))
            problems.push(`${where}: no Service port named ${e.port}`);
        }
        break;
      }
      case 'monitoring.coreos.com/v1/PrometheusRule':
        if (!o.spec?.groups?.length) problems.push(`${where}: spec.groups missing`);
        for (const g of o.spec?.groups ?? []) {
          if (!g.name || !g.rules?.length) problems.push(`${where}: a group without name or rules`);
          for (const r of g.rules ?? [])
            if (!r.expr || !(r.record || r.alert))
              problems.push(`${where}: group ${g.name} has a rule without expr, or without record/alert`);
        }
        break;
    }
  }
  return problems;
}

// ---- the validator --------------------------------------------------------------------------

let workDir: string;

function validateCore(objs: Obj[], label: string): { status: number | null; output: string } {
  const file = join(workDir, `${label}.yaml`);
  writeFileSync(file, objs.map((o) => JSON.stringify(o)).join('\n---\n'));
  const r = run(VALIDATE, ['--strict', '--quiet', '-k', KUBE_VERSION, file]);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'claims-mesh-chart-'));
  // A cold helm build (Go, from the module proxy) takes minutes; later runs find it cached.
  execFileSync(HELM, ['version', '--short'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 15 * 60_000,
  });
  execFileSync(VALIDATE, ['--version'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 5 * 60_000,
  });
}, 20 * 60_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the chart copies of repository files', () => {
  it.each([
    ['libs/contracts/topics.json', 'files/topics.json'],
    ['services/decision/rules/rules.v2.json', 'files/rules.v2.json'],
    ['infra/observability/rules/claims-mesh.rules.yml', 'files/claims-mesh.rules.yml'],
  ])('%s equals the chart copy %s (infra/helm/sync-files.sh)', (source, copy) => {
    expect(readFileSync(join(CHART, copy), 'utf8')).toBe(readFileSync(join(ROOT, source), 'utf8'));
  });

  it('sync-files.sh --check agrees, and names a copy that differs', () => {
    expect(run(join(ROOT, 'infra', 'helm', 'sync-files.sh'), ['--check']).status).toBe(0);
    const copy = join(CHART, 'files', 'rules.v2.json');
    const original = readFileSync(copy, 'utf8');
    try {
      writeFileSync(copy, original.replace('"rules"', '"rulez"'));
      const r = run(join(ROOT, 'infra', 'helm', 'sync-files.sh'), ['--check']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('files/rules.v2.json differs from services/decision/rules/rules.v2.json');
    } finally {
      writeFileSync(copy, original);
    }
  });

  it('the decision service gets the rule set from the chart, byte for byte, where RULES_FILE points', () => {
    const objs = render('values.yaml');
    const rules = ofKind(objs, 'ConfigMap').find((c) => c.metadata.name === `${RELEASE}-rules`)!;
    expect(rules.data['rules.v2.json']).toBe(
      readFileSync(join(ROOT, 'services/decision/rules/rules.v2.json'), 'utf8').replace(/\n$/, ''),
    );
    const topics = ofKind(objs, 'ConfigMap').find((c) => c.metadata.name === `${RELEASE}-topics`)!;
    expect(JSON.parse(topics.data['topics.json'])).toEqual(topicsFile());
    const decision = serviceWorkloads(objs).find((d) => nameOf(d) === 'decision')!;
    const container = decision.spec.template.spec.containers[0];
    const rulesFile = container.env.find((e: { name: string }) => e.name === 'RULES_FILE').value;
    const mount = container.volumeMounts.find((m: { name: string }) => m.name === 'rules');
    expect(rulesFile).toBe(`${mount.mountPath}/rules.v2.json`);
  });
});

describe.each(VALUES_FILES)('with %s', (valuesFile) => {
  let objs: Obj[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let v: any;
  beforeAll(() => {
    objs = render(valuesFile);
    v = values(valuesFile);
  });

  it('helm lint --strict passes', () => {
    const r = helm(['lint', '--strict', CHART, '-f', join(CHART, valuesFile)]);
    expect(`${r.stdout}${r.stderr}`).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  it(`every core object validates against Kubernetes ${KUBE_VERSION} (strict), every CRD object has its required fields`, () => {
    const unknown = objs.filter(
      (o) =>
        !CRD_KINDS.includes(kindKey(o)) &&
        !/^(v1|apps\/v1|policy\/v1|networking\.k8s\.io\/v1)$/.test(o.apiVersion),
    );
    expect(unknown.map(kindKey)).toEqual([]);
    const core = objs.filter((o) => !CRD_KINDS.includes(kindKey(o)));
    expect(core.length).toBeGreaterThan(0);
    const r = validateCore(core, valuesFile);
    expect(r.output).not.toMatch(/ERROR|WARN/);
    expect(r.status).toBe(0);
    expect(crdProblems(objs)).toEqual([]);
  });

  it('renders one workload and (but on the host network of podman) one Service per service, named and labelled app.kubernetes.io/*', () => {
    expect(serviceWorkloads(objs).map(nameOf).sort()).toEqual([...SERVICES].sort());
    const services = ofKind(objs, 'Service')
      .map(nameOf)
      .filter((name) => (SERVICES as readonly string[]).includes(name));
    expect(services.sort()).toEqual(v.kubernetesServices ? [...SERVICES].sort() : []);
    for (const o of objs) {
      expect(o.metadata.labels).toEqual(
        expect.objectContaining({
          'app.kubernetes.io/part-of': 'claims-mesh',
          'app.kubernetes.io/instance': RELEASE,
          'app.kubernetes.io/managed-by': 'Helm',
        }),
      );
      expect(o.metadata.labels?.['app.kubernetes.io/name']).toBeTruthy();
    }
    const localPorts = new Map(
      /SERVICES=\(([^)]*)\)/
        .exec(readFileSync(join(ROOT, 'infra/local/services'), 'utf8'))![1]
        .split(' ')
        .map((s) => s.split(':') as [string, string]),
    );
    for (const d of serviceWorkloads(objs)) {
      const c = d.spec.template.spec.containers[0];
      expect(c.image).toBe(`${v.image.repository}/${nameOf(d)}:${v.image.tag}`);
      // On the host network no container port is declared (podman would map it): the service's own port is used.
      const port = v.hostNetwork
        ? v.services[nameOf(d)].port
        : c.ports.find((p: { name: string }) => p.name === 'http').containerPort;
      if (v.hostNetwork) expect(c.ports).toBeUndefined();
      expect(String(port)).toBe(localPorts.get(nameOf(d)));
      expect(c.env.find((e: { name: string }) => e.name === 'PORT').value).toBe(String(port));
      if (!v.kubernetesServices) continue;
      const svc = ofKind(objs, 'Service').find((s) => nameOf(s) === nameOf(d))!;
      expect(svc.spec.ports).toEqual([expect.objectContaining({ name: 'http', port, targetPort: 'http' })]);
    }
  });

  it('every workload has startup, liveness and readiness probes, resources, and runs non-root on a read-only root with no capabilities', () => {
    const all = workloads(objs);
    expect(all.length).toBeGreaterThanOrEqual(SERVICES.length);
    for (const d of all) {
      const pod = d.spec.template.spec;
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true }));
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.volumes).toContainEqual(
        expect.objectContaining({ name: 'tmp', emptyDir: expect.anything() }),
      );
      for (const c of pod.containers) {
        const what = `${d.metadata.name}/${c.name}`;
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe'])
          expect({ what, probe, httpGet: c[probe]?.httpGet?.path }).toEqual({
            what,
            probe,
            httpGet: expect.any(String),
          });
        expect({
          what,
          cpu: c.resources?.requests?.cpu,
          memory: c.resources?.requests?.memory,
          limit: c.resources?.limits?.memory,
        }).toEqual({
          what,
          cpu: expect.stringMatching(/^\d+m?$/),
          memory: expect.stringMatching(/^\d+[MG]i$/),
          limit: expect.stringMatching(/^\d+[MG]i$/),
        });
        expect({ what, ...c.securityContext }).toEqual(
          expect.objectContaining({
            what,
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          }),
        );
        expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      }
    }
    for (const d of serviceWorkloads(objs)) {
      const c = d.spec.template.spec.containers[0];
      expect(d.spec.template.spec.securityContext.runAsUser).toBe(10001);
      const port = v.hostNetwork ? v.services[nameOf(d)].port : 'http';
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port });
      expect(c.startupProbe.httpGet).toEqual({ path: '/health/live', port });
    }
  });

  it('sizes each service CPU request as the bench CPU per claim x claims/s per replica x headroom', () => {
    const { claimsPerSecondPerReplica, headroom, minCpuMillicores } = v.sizing;
    expect(claimsPerSecondPerReplica).toBeGreaterThan(0);
    for (const d of serviceWorkloads(objs)) {
      const svc = v.services[nameOf(d)];
      const expected =
        svc.cpuMillicores ?? Math.ceil(svc.cpuMsPerClaim * claimsPerSecondPerReplica * headroom);
      expect({ service: nameOf(d), cpu: d.spec.template.spec.containers[0].resources.requests.cpu }).toEqual({
        service: nameOf(d),
        cpu: `${Math.max(expected, minCpuMillicores)}m`,
      });
    }
  });

  it('renders no Secret: every secret is a reference, mounted as a file its *_FILE variable names', () => {
    expect(objs.filter((o) => o.kind === 'Secret' || o.data?.password || o.stringData)).toEqual([]);
    const code = codeText();
    for (const d of serviceWorkloads(objs)) {
      const pod = d.spec.template.spec;
      const c = pod.containers[0];
      const env = new Map<string, string>(
        c.env.map((e: { name: string; value: string }) => [e.name, e.value]),
      );
      // Every variable the chart sets is one the code reads (a misspelt one would be ignored).
      for (const name of env.keys())
        if (name !== 'NODE_OPTIONS')
          expect({ name, inCode: code.includes(name) }).toEqual({ name, inCode: true });
      expect(c.env.every((e: { valueFrom?: unknown }) => e.valueFrom === undefined)).toBe(true);
      for (const [name, path] of env) {
        if (!name.endsWith('_FILE') || name === 'RULES_FILE') continue;
        const mount = c.volumeMounts.find(
          (m: { mountPath: string }) => path === m.mountPath || path.startsWith(`${m.mountPath}/`),
        );
        expect({ name, mounted: Boolean(mount) }).toEqual({ name, mounted: true });
        const volume = pod.volumes.find((vol: { name: string }) => vol.name === mount.name);
        if (v.secrets.devRoot) expect(volume.hostPath?.path ?? volume.secret?.secretName).toBeTruthy();
        else {
          expect({ name, secret: volume.secret?.secretName }).toEqual({ name, secret: expect.any(String) });
          expect(volume.secret.items).toEqual([
            { key: expect.any(String), path: relative(mount.mountPath, path) },
          ]);
        }
      }
      const wanted = ['API_KEYS_FILE'];
      if (v.services[nameOf(d)].redis) wanted.push('PII_KEK_FILE', 'PSEUDONYM_SECRET_FILE');
      if (nameOf(d) === 'ingest') wanted.push('WEBHOOKS_FILE');
      if (v.deploymentEnv === 'production') {
        wanted.push('KAFKA_SASL_PASSWORD_FILE', 'KAFKA_SSL_CA_FILE', 'SCHEMA_REGISTRY_CA_FILE');
        if (v.services[nameOf(d)].redis) wanted.push('REDIS_PASSWORD_FILE', 'REDIS_TLS_CA_FILE');
        if (nameOf(d) === 'inference-gateway')
          expect(env.get('TRITON_SHARDS')).toMatch(/^[^,]+:8001(,[^,]+:8001)+$/);
      }
      for (const name of wanted)
        expect({ service: nameOf(d), name, set: env.has(name) }).toEqual({
          service: nameOf(d),
          name,
          set: true,
        });
    }
    if (v.deploymentEnv === 'production') {
      const hostPaths = workloads(objs).flatMap((d) =>
        d.spec.template.spec.volumes.filter((vol: { hostPath?: unknown }) => vol.hostPath),
      );
      expect(hostPaths).toEqual([]);
    }
  });

  it("scales each consumer group with KEDA up to its input topics' partitions in topics.json (never the rollout controller)", () => {
    const scaled = ofKind(objs, 'ScaledObject');
    if (!v.keda.enabled) {
      expect(scaled).toEqual([]);
      return;
    }
    const byService = new Map(scaled.map((s) => [nameOf(s), s]));
    expect(byService.has('rollout-controller')).toBe(false);
    const controller = serviceWorkloads(objs).find((d) => nameOf(d) === 'rollout-controller')!;
    expect(controller.spec.replicas).toBe(1);
    for (const service of SERVICES.filter((s) => s !== 'rollout-controller')) {
      const inCode = inputTopicsInCode(service);
      expect({ service, consumes: inCode.length > 0 }).toEqual({ service, consumes: true });
      const s = byService.get(service);
      expect({ service, scaled: Boolean(s) }).toEqual({ service, scaled: true });
      const triggers: { type: string; metadata: Record<string, string> }[] = s!.spec.triggers;
      const topics = triggers.map((t) => t.metadata.topic);
      expect(triggers.every((t) => t.type === 'kafka' && t.metadata.consumerGroup === service)).toBe(true);
      if (service === 'audit') {
        for (const topic of topics) expect(inCode).toContain(topic);
      } else expect(topics.sort()).toEqual(inCode);
      expect({ service, max: s!.spec.maxReplicaCount }).toEqual({
        service,
        max: Math.max(...topics.map(partitionsOf)),
      });
      // The workload leaves its replica count to KEDA, which scales that very object.
      const d = serviceWorkloads(objs).find((x) => nameOf(x) === service)!;
      expect(d.spec.replicas).toBeUndefined();
      expect(s!.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: d.kind, name: d.metadata.name });
    }
  });

  it('runs the transactional consumers (as services/*/src/service.ts says) as StatefulSets, so a restarted pod keeps its transactional id', () => {
    const inCode = SERVICES.filter(isTransactionalInCode);
    expect(inCode.length).toBeGreaterThan(0);
    const inValues = SERVICES.filter((service) => v.services[service].transactional === true);
    expect(inValues).toEqual(inCode);
    const serviceNames = ofKind(objs, 'Service').map((o) => o.metadata.name);
    for (const w of serviceWorkloads(objs)) {
      const service = nameOf(w);
      const env: { name: string; value: string }[] = w.spec.template.spec.containers[0].env;
      if (v.hostNetwork) {
        // Every pod has the host's name there: the service's name names its producer instead.
        expect({ service, kind: w.kind }).toEqual({ service, kind: 'Deployment' });
        expect(env).toContainEqual({ name: 'KAFKA_INSTANCE_ID', value: service });
        continue;
      }
      const kind = inCode.includes(service) ? 'StatefulSet' : 'Deployment';
      expect({ service, kind: w.kind }).toEqual({ service, kind });
      // The pod's name (its hostname) names the producer: nothing overrides it.
      expect(env.map((e) => e.name)).not.toContain('KAFKA_INSTANCE_ID');
      if (kind === 'StatefulSet') {
        expect(w.spec).toEqual(
          expect.objectContaining({
            podManagementPolicy: 'Parallel',
            updateStrategy: { type: 'RollingUpdate' },
          }),
        );
        expect(w.spec.strategy).toBeUndefined();
        expect(serviceNames).toContain(w.spec.serviceName);
      }
    }
  });

  it('asks for nvidia.com/gpu exactly when values say gpu: true, and only for Triton', () => {
    const gpus = workloads(objs).flatMap((d) =>
      d.spec.template.spec.containers
        .filter(
          (c: { resources?: { limits?: Record<string, unknown> } }) =>
            c.resources?.limits?.['nvidia.com/gpu'] !== undefined,
        )
        .map(() => nameOf(d)),
    );
    const shards: string[] = v.triton.deploy ? v.triton.shards.map((s: string) => `triton-${s}`) : [];
    expect(tritonDeployments(objs).map(nameOf).sort()).toEqual([...shards].sort());
    expect(gpus.sort()).toEqual(v.triton.gpu ? [...shards].sort() : []);
    for (const d of tritonDeployments(objs)) {
      const limit = d.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu'];
      if (v.triton.gpu) expect(limit).toBe(v.triton.gpusPerShard);
      expect(
        ofKind(objs, 'Service').some(
          (s) => nameOf(s) === nameOf(d) && s.spec.ports.some((p: { name: string }) => p.name === 'grpc'),
        ),
      ).toBe(true);
    }
  });

  it('carries the Prometheus rules of infra/observability/rules/claims-mesh.rules.yml as they are', () => {
    const rules = ofKind(objs, 'PrometheusRule');
    if (!v.monitoring.prometheusRule) {
      expect(rules).toEqual([]);
      return;
    }
    expect(rules).toHaveLength(1);
    const repo = parse(readFileSync(join(ROOT, 'infra/observability/rules/claims-mesh.rules.yml'), 'utf8'));
    expect(rules[0].spec.groups).toEqual(repo.groups);
  });

  it('has a ServiceMonitor per Service when monitoring is on, and the cluster-only kinds only where values turn them on', () => {
    const monitors = ofKind(objs, 'ServiceMonitor');
    if (v.monitoring.serviceMonitors)
      expect(monitors.map(nameOf).sort()).toEqual(ofKind(objs, 'Service').map(nameOf).sort());
    else expect(monitors).toEqual([]);
    expect(ofKind(objs, 'Ingress').length > 0).toBe(Boolean(v.ingress.enabled));
    expect(ofKind(objs, 'NetworkPolicy').length > 0).toBe(Boolean(v.networkPolicy.enabled));
    expect(ofKind(objs, 'PodDisruptionBudget').length > 0).toBe(Boolean(v.podDisruptionBudget.enabled));
    if (v.ingress.enabled) {
      const hosts = ofKind(objs, 'Ingress')[0].spec.rules.map((r: { host: string }) => r.host.split('.')[0]);
      expect(hosts.sort()).toEqual(['audit', 'human-task', 'ingest']);
    }
    if (v.podDisruptionBudget.enabled) {
      for (const d of workloads(objs).filter((x) => nameOf(x) !== 'rollout-controller')) {
        expect(ofKind(objs, 'PodDisruptionBudget').some((p) => nameOf(p) === nameOf(d))).toBe(true);
        expect(d.spec.template.spec.topologySpreadConstraints?.length).toBeGreaterThan(0);
      }
    }
  });

  it('lets each service talk only over the links it uses (NetworkPolicy)', () => {
    if (!v.networkPolicy.enabled) return;
    const policies = ofKind(objs, 'NetworkPolicy');
    const deny = policies.find((p) => nameOf(p) === 'default-deny')!;
    expect(deny.spec).toEqual(expect.objectContaining({ policyTypes: ['Ingress', 'Egress'] }));
    expect(deny.spec.ingress).toBeUndefined();
    expect(deny.spec.egress).toBeUndefined();
    // Where a policy lets a pod go: "cidr:port" for external endpoints, "pods:port" for pods, "dns:53".
    const destinations = (p: Obj) =>
      new Set<string>(
        p.spec.egress.flatMap(
          (e: {
            to: { ipBlock?: { cidr: string }; podSelector?: unknown; namespaceSelector?: unknown }[];
            ports: { port: number }[];
          }) =>
            e.to.flatMap((peer) =>
              e.ports.map(
                (x) => `${peer.ipBlock?.cidr ?? (peer.namespaceSelector ? 'dns' : 'pods')}:${x.port}`,
              ),
            ),
        ),
      );
    const endpoints = (list: { cidr: string; ports: number[] }[]) =>
      list.flatMap((e) => e.ports.map((port) => `${e.cidr}:${port}`));
    for (const service of SERVICES) {
      const p = policies.find((x) => nameOf(x) === service)!;
      const wanted = [
        'dns:53',
        ...endpoints(v.kafka.egress),
        ...endpoints(v.schemaRegistry.egress),
        ...endpoints(v.tracing.egress),
      ];
      if (v.services[service].redis) wanted.push(...endpoints(v.redis.egress));
      if (service === 'rollout-controller') wanted.push(...endpoints(v.mlflow.egress));
      if (service === 'inference-gateway')
        wanted.push(`pods:${v.triton.grpcPort}`, `pods:${v.triton.httpPort}`);
      expect({ service, egress: [...destinations(p)].sort() }).toEqual({
        service,
        egress: [...new Set(wanted)].sort(),
      });
      const fromIngress = JSON.stringify(p.spec.ingress).includes(
        JSON.stringify(v.networkPolicy.ingressController.namespaceSelector),
      );
      expect({ service, fromIngress }).toEqual({
        service,
        fromIngress: ['ingest', 'human-task', 'audit'].includes(service),
      });
    }
  });

  if (valuesFile === 'values-laptop.yaml') {
    it('runs one replica of each on the host network at 127.0.0.1, for podman kube play', () => {
      for (const d of serviceWorkloads(objs)) {
        expect(d.spec.replicas).toBe(1);
        expect(d.spec.template.spec.hostNetwork).toBe(true);
        expect(d.spec.template.spec.containers[0].env).toContainEqual({ name: 'HOST', value: '127.0.0.1' });
        expect(d.spec.template.spec.containers[0].env).toContainEqual({
          name: 'KAFKA_BROKERS',
          value: '127.0.0.1:9092',
        });
      }
      expect(
        objs.map((o) => o.kind).filter((k) => !['Deployment', 'ConfigMap', 'ServiceAccount'].includes(k)),
      ).toEqual([]);
    });
  }
});

describe('the checks bite', () => {
  it('kubernetes-validate rejects a broken manifest, naming the field', () => {
    const broken: Obj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'broken' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: {
          metadata: { labels: { a: 'b' } },
          spec: { containers: [{ name: 'x', image: 'x', ports: [{ containerPort: 'http' }] }] },
        },
      },
    };
    const r = validateCore([broken], 'broken');
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('containerPort');
  });

  it('kubernetes-validate (strict) rejects a rendered Deployment with a misspelt field', () => {
    const d = structuredClone(
      serviceWorkloads(render('values-production.yaml')).find((w) => w.kind === 'Deployment')!,
    );
    d.spec.template.spec.containers[0].readinessProbe = { httpGett: { path: '/health/ready', port: 'http' } };
    const r = validateCore([d], 'misspelt');
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('httpGett');
  });

  it('the CRD checks reject a ScaledObject without its target and a ServiceMonitor selecting nothing', () => {
    const objs = render('values-production.yaml');
    const so = structuredClone(ofKind(objs, 'ScaledObject')[0]);
    delete so.spec.scaleTargetRef;
    const sm = structuredClone(ofKind(objs, 'ServiceMonitor')[0]);
    sm.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'nobody' };
    expect(crdProblems([...objs, so, sm]).join('\n')).toMatch(
      /scaleTargetRef\.name missing[\s\S]*selects 0 Services/,
    );
  });

  it('helm refuses a consumer topic topics.json does not have', () => {
    const r = helm([
      'template',
      RELEASE,
      CHART,
      '--set',
      'services.feature.consumer.topics={claims.nowhere.v1}',
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('topic claims.nowhere.v1 of a consumer is not in topics.json');
  });

  it('turning GPUs on (--set triton.gpu=true) adds the limit to every shard', () => {
    const objs = render('values.yaml', ['--set', 'triton.gpu=true', '--set', 'triton.gpusPerShard=2']);
    for (const d of tritonDeployments(objs))
      expect(d.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(2);
    expect(tritonDeployments(objs)).toHaveLength(2);
  });
});
