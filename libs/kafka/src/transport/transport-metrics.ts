import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The transport's Prometheus series, registered once on the service's registry. */
export class TransportMetrics {
  readonly recordsIn: Counter<'topic'>;
  readonly recordsOut: Counter<'topic'>;
  readonly deadLetters: Counter<'topic' | 'error_class'>;
  readonly handlerSeconds: Histogram<'topic'>;
  readonly batchSize: Histogram<'topic'>;
  readonly lag: Gauge<'group' | 'topic' | 'partition'>;
  readonly retries: Counter<'topic'>;
  readonly pausedPartitions: Gauge;
  readonly pauses: Counter;
  readonly transactions: Counter<'outcome'>;
  readonly commitSeconds: Histogram<'kind'>;
  readonly commitFailures: Counter<'kind' | 'action'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.recordsIn = new Counter({
      name: 'kafka_consumer_records_total',
      help: 'Records consumed and processed (or dead-lettered), by topic.',
      labelNames: ['topic'],
      registers,
    });
    this.recordsOut = new Counter({
      name: 'kafka_producer_records_total',
      help: 'Records produced and acknowledged by the brokers, by topic.',
      labelNames: ['topic'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'kafka_dlq_records_total',
      help: 'Records sent to <topic>.dlq, by source topic and error class.',
      labelNames: ['topic', 'error_class'],
      registers,
    });
    this.handlerSeconds = new Histogram({
      name: 'kafka_handler_duration_seconds',
      help: 'Time spent in the service handler per record (per batch for batch handlers).',
      labelNames: ['topic'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'kafka_consumer_batch_size',
      help: 'Records per poll handed to a topic\'s handler (a poll spans the partitions a consumer holds).',
      labelNames: ['topic'],
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500],
      registers,
    });
    this.lag = new Gauge({
      name: 'kafka_consumer_lag',
      help: "Records between the group's committed offset and the high watermark, per partition (polled from the brokers).",
      labelNames: ['group', 'topic', 'partition'],
      registers,
    });
    this.retries = new Counter({
      name: 'kafka_handler_retries_total',
      help: 'Transient failures retried with backoff, by topic.',
      labelNames: ['topic'],
      registers,
    });
    this.pausedPartitions = new Gauge({
      name: 'kafka_consumer_paused',
      help: '1 while consumption is paused because in-flight work passed its bound.',
      registers,
    });
    this.transactions = new Counter({
      name: 'kafka_transactions_total',
      help: 'Kafka transactions ended by an exactly-once consumer, by outcome (committed, aborted).',
      labelNames: ['outcome'],
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'kafka_commit_duration_seconds',
      help: 'Time to commit one interval: a transaction (sendOffsets + commit), or waiting for acks and committing offsets.',
      labelNames: ['kind'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.commitFailures = new Counter({
      name: 'kafka_commit_failures_total',
      help: 'Commit attempts that failed without ending the consumer session, by kind (transaction, offsets) and what was done (retry, abort, rejoin).',
      labelNames: ['kind', 'action'],
      registers,
    });
    this.pauses = new Counter({
      name: 'kafka_consumer_pauses_total',
      help: 'Times consumption paused because in-flight work passed its bound.',
      registers,
    });
  }
}
