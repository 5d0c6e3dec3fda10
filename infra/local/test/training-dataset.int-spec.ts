import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import {
  AvroSerde,
  ClaimScored,
  Features,
  piiPaths,
  ReviewCompleted,
  valueSchema,
} from '@claims-mesh/contracts';
import { Kafka, KafkaProducer } from '@claims-mesh/kafka';
import {
  sampleClaim,
  sampleDecided,
  sampleEnriched,
  sampleFeatures,
  sampleReview,
  sampleScored,
  ScratchTopics,
  stack,
  STACK_CACHE,
  testKafka,
  testProducer,
} from '@claims-mesh/testing';

// The training dataset job (infra/dataset) on the real Kafka and schema registry: it reads a
// topic of scored claims and one of completed reviews (scratch topics with the mesh's schemas, so
// other suites' records cannot blur the counts) and writes Parquet, read back here with the job's
// own venv python and pyarrow.

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const JOB = join(ROOT, 'infra', 'dataset', 'run.sh');
const VENV_PYTHON = join(
  STACK_CACHE,
  'dataset',
  'venv',
  'bin',
  'python',
);
const DAY_MS = 86_400_000;
const FEATURE_NAMES = Object.keys(sampleFeatures()) as (keyof Features)[];

interface JobReport {
  rows_written: number;
  rows_by_day: Record<string, number>;
  reviews_read: number;
  claims_already_in_dataset: number;
  problems: Record<string, Record<string, number>>;
  examples: Record<string, string[]>;
}

type Row = Record<string, string | number | boolean | null>;

interface DatasetDump {
  columns: string[];
  files: string[];
  rows: Row[];
}

// Timestamps as ms since the epoch, the partition `day` as a column (Hive layout).
const DUMP = `
import json, sys
import pyarrow as pa, pyarrow.dataset as ds
d = ds.dataset(sys.argv[1], format="parquet", partitioning="hive")
t = d.to_table()
t = pa.table({n: c.cast(pa.int64()) if pa.types.is_timestamp(c.type) else c for n, c in zip(t.column_names, t.columns)})
print(json.dumps({"columns": d.schema.names, "files": sorted(d.files), "rows": t.to_pylist()}))
`;

async function runJob(dataset: string, topics: { scored: string; reviews: string }): Promise<JobReport> {
  const { stdout } = await run(
    JOB,
    ['--dataset', dataset, '--scored-topic', topics.scored, '--reviews-topic', topics.reviews],
    {
      env: { ...process.env, KAFKA_BROKERS: stack.kafkaBrokers, SCHEMA_REGISTRY_URL: stack.registryUrl },
      timeout: 240_000,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as JobReport;
}

async function readDataset(dataset: string): Promise<DatasetDump> {
  const { stdout } = await run(VENV_PYTHON, ['-B', '-c', DUMP, dataset]);
  return JSON.parse(stdout) as DatasetDump;
}

/** A claim scored with these features by this model, and a reviewer's verdict on it. */
function labelledClaim(opts: {
  features: Partial<Features>;
  model: ClaimScored['model'];
  route: ClaimScored['route'];
  outcome: ReviewCompleted['outcome'];
  selection: ReviewCompleted['selection'];
  completedAt: number;
}) {
  const claim = sampleClaim({ product: 'laptop', region: 'UK', channel: 'PARTNER_API' });
  const enriched = { ...sampleEnriched(claim), features: sampleFeatures(opts.features) };
  const scored = { ...sampleScored(enriched), model: opts.model, route: opts.route };
  const review: ReviewCompleted = {
    ...sampleReview(sampleDecided(scored)),
    outcome: opts.outcome,
    selection: opts.selection,
    completedAt: opts.completedAt,
  };
  review.timestamps = { ...review.timestamps, reviewedAt: opts.completedAt };
  return { claim, scored, review };
}

describe('Training dataset job on the real Kafka and schema registry', () => {
  let kafka: Kafka;
  let admin: KafkaJS.Admin;
  let producer: KafkaProducer;
  let scratch: ScratchTopics;
  let topics: { scored: string; reviews: string };
  let serde: AvroSerde;
  let dataset: string;

  // Labels on two days, a few days back.
  const day1 = Math.floor(Date.now() / DAY_MS) * DAY_MS - 3 * DAY_MS + 10 * 3_600_000;
  const day2 = day1 + DAY_MS;
  const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  const fraud = labelledClaim({
    features: {
      customerClaimCount24h: 4,
      amountZScore: 3.25,
      daysSincePolicyStart: -12,
      serialNumberSeenBefore: true,
    },
    model: { name: 'fraud_teacher', version: '2' },
    route: 'TEACHER',
    outcome: 'REJECT',
    selection: 'RISK',
    completedAt: day1,
  });
  const audited = labelledClaim({
    features: { customerAmount30dMinor: 123_456_789, descriptionLength: 7, isFirstClaim: true },
    model: { name: 'fraud_student', version: '1' },
    route: 'CANARY',
    outcome: 'APPROVE',
    selection: 'AUDIT_SAMPLE',
    completedAt: day2,
  });
  // Reviewed twice: the first verdict (APPROVE) is its label, whatever order the two arrive in.
  const twice = labelledClaim({
    features: { mediaCount: 0 },
    model: { name: 'fraud_student', version: '2' },
    route: 'STUDENT',
    outcome: 'APPROVE',
    selection: 'RISK',
    completedAt: day1 + 60_000,
  });
  const secondVerdict: ReviewCompleted = {
    ...twice.review,
    eventId: randomUUID(),
    outcome: 'REJECT',
    completedAt: day2 + 60_000,
  };
  // Scored twice: the review names the scoring its decision used by the stage times it carries.
  const rescored = labelledClaim({
    features: { customerClaimCount1h: 3 },
    model: { name: 'fraud_student', version: '2' },
    route: 'STUDENT',
    outcome: 'REJECT',
    selection: 'RISK',
    completedAt: day2 + 120_000,
  });
  const earlierScoring: ClaimScored = {
    ...rescored.scored,
    eventId: randomUUID(),
    model: { name: 'fraud_student', version: '1' },
    features: sampleFeatures({ customerClaimCount1h: 99 }),
    timestamps: {
      ...rescored.scored.timestamps,
      scoredAt: (rescored.scored.timestamps.scoredAt ?? 0) - 5_000,
    },
  };
  // Its scored record is produced only later.
  const unscored = labelledClaim({
    features: { amountZScore: -1.5 },
    model: { name: 'fraud_student', version: '1' },
    route: 'STUDENT',
    outcome: 'APPROVE',
    selection: 'AUDIT_SAMPLE',
    completedAt: day2 + 180_000,
  });
  const written = [fraud, audited, twice, rescored];

  async function produceScored(records: ClaimScored[]) {
    const messages = await Promise.all(
      records.map(async (r) => ({ key: r.claimId, value: await serde.encode(topics.scored, r) })),
    );
    await producer.send({ topic: topics.scored, messages });
  }

  async function produceReviews(records: ReviewCompleted[]) {
    const messages = await Promise.all(
      records.map(async (r) => ({ key: r.claimId, value: await serde.encode(topics.reviews, r) })),
    );
    await producer.send({ topic: topics.reviews, messages });
  }

  async function produceAll() {
    await produceScored([fraud.scored, audited.scored, twice.scored, earlierScoring, rescored.scored]);
    await produceReviews([
      fraud.review,
      audited.review,
      secondVerdict,
      twice.review,
      rescored.review,
      unscored.review,
    ]);
  }

  beforeAll(async () => {
    kafka = testKafka('it-training-dataset');
    admin = kafka.admin();
    await admin.connect();
    scratch = new ScratchTopics(admin);
    topics = { scored: await scratch.create('scored'), reviews: await scratch.create('reviews') };
    serde = AvroSerde.forRegistry(stack.registryUrl, (topic) =>
      valueSchema(topic === topics.scored ? 'ClaimScored' : 'ReviewCompleted'),
    );
    producer = testProducer(kafka);
    await producer.connect();
    dataset = mkdtempSync(join(tmpdir(), 'training-dataset-'));
    await produceAll();
    // Bytes that are no Confluent wire format at all, on the reviews topic.
    await producer.send({
      topic: topics.reviews,
      messages: [{ key: randomUUID(), value: Buffer.from('not avro') }],
    });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await scratch?.deleteAll();
    await admin?.disconnect();
    if (dataset) rmSync(dataset, { recursive: true, force: true });
  });

  it('writes one row per reviewed claim with the features, model and route it was scored with', async () => {
    const report = await runJob(dataset, topics);
    expect(report.rows_written).toBe(written.length);
    expect(report.rows_by_day).toEqual({ [isoDay(day1)]: 2, [isoDay(day2)]: 2 });

    const { rows, files } = await readDataset(dataset);
    expect(rows).toHaveLength(written.length);
    expect(files.every((f) => /\/day=\d{4}-\d{2}-\d{2}\/part-[0-9a-f]{16}\.parquet$/.test(f))).toBe(true);
    const byClaim = new Map(rows.map((row) => [row.claimId, row]));
    for (const { scored, review } of written) {
      const row = byClaim.get(scored.claimId);
      expect(row).toBeDefined();
      for (const name of FEATURE_NAMES) expect([name, row?.[name]]).toEqual([name, scored.features[name]]);
      expect(row).toMatchObject({
        amountMinor: scored.claim.amountMinor,
        modelName: scored.model.name,
        modelVersion: scored.model.version,
        route: scored.route,
        featureSetVersion: scored.featureSetVersion,
        scoredEventId: scored.eventId,
        scoredAt: scored.timestamps.scoredAt,
        product: 'laptop',
        region: 'UK',
        channel: 'PARTNER_API',
        day: isoDay(review.completedAt),
      });
    }
  }, 300_000);

  it('labels REJECT as fraud, tells reviewed from audit-sample labels, and keeps the first of two verdicts', async () => {
    const { rows } = await readDataset(dataset);
    const label = (claimId: string) => {
      const row = rows.find((r) => r.claimId === claimId);
      return {
        fraud: row?.fraud,
        labelSource: row?.labelSource,
        labelledAt: row?.labelledAt,
        reviewEventId: row?.reviewEventId,
      };
    };
    expect(label(fraud.claim.claimId)).toEqual({
      fraud: 1,
      labelSource: 'reviewed',
      labelledAt: day1,
      reviewEventId: fraud.review.eventId,
    });
    expect(label(audited.claim.claimId)).toEqual({
      fraud: 0,
      labelSource: 'audit-sample',
      labelledAt: day2,
      reviewEventId: audited.review.eventId,
    });
    expect(label(twice.claim.claimId)).toEqual({
      fraud: 0,
      labelSource: 'reviewed',
      labelledAt: twice.review.completedAt,
      reviewEventId: twice.review.eventId,
    });
    // Of its two scorings, the one whose scoredAt the review carries.
    const row = rows.find((r) => r.claimId === rescored.claim.claimId);
    expect(row).toMatchObject({
      customerClaimCount1h: 3,
      modelVersion: '2',
      scoredEventId: rescored.scored.eventId,
    });
  });

  it('holds no personal data: no field marked pii, no pii value', async () => {
    const { columns, rows } = await readDataset(dataset);
    const piiFields = [valueSchema('ClaimScored'), valueSchema('ReviewCompleted')]
      .flatMap((schema) => piiPaths(schema.json))
      .map((path) => path.split('.').pop() as string);
    expect(piiFields).toEqual(
      expect.arrayContaining([
        'customerId',
        'customerEmail',
        'policyId',
        'description',
        'serialNumber',
        'reviewerId',
        'note',
      ]),
    );
    expect(columns.filter((column) => piiFields.includes(column))).toEqual([]);
    const claim = fraud.claim;
    const personal = [
      claim.customerId,
      claim.customerEmail,
      claim.policyId,
      claim.description,
      claim.serialNumber,
      fraud.review.reviewerId,
      fraud.review.note,
    ];
    expect(
      rows.flatMap((row) => Object.values(row)).filter((value) => personal.includes(value as string)),
    ).toEqual([]);
  });

  it('reports the review whose scored record is missing and the undecodable record, and writes neither', async () => {
    const report = await runJob(dataset, topics);
    expect(report.problems[topics.reviews]).toEqual({ 'missing-scored-record': 1, 'not-wire-format': 1 });
    expect(report.examples['missing-scored-record']).toEqual([unscored.claim.claimId]);
    const { rows } = await readDataset(dataset);
    expect(rows.map((r) => r.claimId)).not.toContain(unscored.claim.claimId);
  }, 120_000);

  it('adds no row twice when run again, nor after the same records are produced again', async () => {
    const again = await runJob(dataset, topics);
    expect(again).toMatchObject({ rows_written: 0, claims_already_in_dataset: written.length });

    await produceAll();
    const replayed = await runJob(dataset, topics);
    expect(replayed).toMatchObject({ rows_written: 0, claims_already_in_dataset: written.length });
    expect(replayed.reviews_read).toBe(2 * 6);

    const { rows } = await readDataset(dataset);
    const ids = rows.map((r) => r.claimId);
    expect(ids).toHaveLength(written.length);
    expect(new Set(ids).size).toBe(written.length);
  }, 240_000);

  it('writes the review left out once its scored record is there', async () => {
    await produceScored([unscored.scored]);
    const report = await runJob(dataset, topics);
    expect(report.rows_written).toBe(1);
    expect(report.problems[topics.reviews]).toEqual({ 'not-wire-format': 1 });
    const { rows } = await readDataset(dataset);
    expect(rows.find((r) => r.claimId === unscored.claim.claimId)).toMatchObject({
      fraud: 0,
      labelSource: 'audit-sample',
      amountZScore: -1.5,
      day: isoDay(unscored.review.completedAt),
    });
  }, 120_000);
});
