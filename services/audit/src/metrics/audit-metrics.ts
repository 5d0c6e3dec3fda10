import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

/** The audit service's own series (the transport exports consumption, lag and retries). */
@Injectable()
export class AuditMetrics {
  /** Records indexed, by stage; result "duplicate" for a replay that changed nothing. */
  readonly lineageWrites: Counter<'stage' | 'result'>;
  /** Submission to final decision, observed once per claim when its first final decision is indexed. */
  readonly endToEndLatency: Histogram<'action'>;
  /** Dead letters seen for the first time, by the topic their record failed on. */
  readonly deadLetters: Counter<'source_topic'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.lineageWrites = new Counter({
      name: 'audit_lineage_writes_total',
      help: 'Consumed records written to the lineage index, by stage and result (recorded or duplicate).',
      labelNames: ['stage', 'result'],
      registers,
    });
    this.endToEndLatency = new Histogram({
      name: 'audit_end_to_end_latency_seconds',
      help: "Time from a claim's submission to its final decision, by final action.",
      labelNames: ['action'],
      // Automatic decisions take milliseconds to seconds; reviewed ones minutes to days.
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400, 86_400],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'audit_dead_letters_total',
      help: 'Dead letters indexed, by the topic whose record failed.',
      labelNames: ['source_topic'],
      registers,
    });
  }
}
