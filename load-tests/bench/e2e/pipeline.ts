import { BatchOutcome } from './open-loop';
import { FirstRecordReader } from './first-record-reader';

/** Something claims go into and decisions (or their stand-ins) come out of, measured the same way. */
export interface Pipeline {
  readonly name: string;
  readonly label: string;
  /** Topics between the entrance and the reader: the hops a claim crosses. */
  readonly hops: string[];
  /** Reads the pipeline's last topic. */
  readonly reader: FirstRecordReader;
  start(): Promise<void>;
  /** Sends `claims` new claims as one batch, resolving once the entrance acknowledged them. */
  sendBatch(claims: number): Promise<BatchOutcome>;
  stop(): Promise<void>;
  /** CPU seconds used so far by each process the pipeline keeps busy (the bench process included), by name. */
  cpuSeconds(): Promise<Record<string, number>>;
  /** Kafka transactions committed so far by each exactly-once service, by name (kafka_transactions_total). */
  transactionsCommitted?(): Promise<Record<string, number>>;
  /** Where the time of the given claims (key -> sent at) went, hop by hop, when the pipeline can tell. */
  hopLatencies?(sentAt: Map<string, number>): HopLatencies;
}

/** Per hop, the 50th and 99th percentile of the time spent there, ms, over `samples` claims. */
export type HopLatencies = Record<string, { p50Ms: number; p99Ms: number; samples: number }>;
