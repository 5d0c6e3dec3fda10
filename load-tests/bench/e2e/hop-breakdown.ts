import { AvroSerde, ClaimDecided } from '@claims-mesh/contracts';
import { percentile } from '../kafka-hop/load';
import { HopLatencies } from './pipeline';

type StageTimes = ClaimDecided['timestamps'];

/** The hops of the mesh, each between two times a claim carries (or the bench's own clocks). */
const HOPS: { name: string; from: (t: Times) => number | null; to: (t: Times) => number | null }[] = [
  { name: 'POST -> ingest published', from: (t) => t.sentAt, to: (t) => t.stages.submittedAt },
  { name: 'feature', from: (t) => t.stages.submittedAt, to: (t) => t.stages.enrichedAt ?? null },
  {
    name: 'inference gateway',
    from: (t) => t.stages.enrichedAt ?? null,
    to: (t) => t.stages.scoredAt ?? null,
  },
  { name: 'decision', from: (t) => t.stages.scoredAt ?? null, to: (t) => t.stages.decidedAt ?? null },
  { name: 'decision written', from: (t) => t.stages.decidedAt ?? null, to: (t) => t.writtenAt },
];

interface Times {
  sentAt: number;
  stages: StageTimes;
  writtenAt: number;
}

/**
 * Decodes every `every`-th first decision to keep the per-stage times the claim carries
 * (submittedAt, enrichedAt, scoredAt, decidedAt), so a step's end-to-end latency can be split
 * into the hops that make it up.
 */
export class HopBreakdown {
  private readonly stages = new Map<string, { stages: StageTimes; writtenAt: number }>();
  private seen = 0;

  constructor(
    private readonly serde: AvroSerde,
    private readonly topic: string,
    private readonly every = 10,
  ) {}

  readonly onFirst = (key: string, value: Buffer | null, timestamp: number): void => {
    if (this.seen++ % this.every !== 0 || !value) return;
    this.serde.decode<ClaimDecided>(this.topic, value).then(
      (decided) => this.stages.set(key, { stages: decided.timestamps, writtenAt: timestamp }),
      () => undefined,
    );
  };

  latencies(sentAt: Map<string, number>): HopLatencies {
    const samples = HOPS.map(() => [] as number[]);
    for (const [key, sent] of sentAt) {
      const decoded = this.stages.get(key);
      if (!decoded) continue;
      const times = { sentAt: sent, ...decoded };
      HOPS.forEach((hop, i) => {
        const [from, to] = [hop.from(times), hop.to(times)];
        if (from !== null && to !== null) samples[i].push(to - from);
      });
    }
    return Object.fromEntries(
      HOPS.map((hop, i) => {
        const sorted = samples[i].sort((a, b) => a - b);
        return [
          hop.name,
          { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), samples: sorted.length },
        ];
      }),
    );
  }
}
