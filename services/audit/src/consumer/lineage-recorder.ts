import { Injectable } from '@nestjs/common';
import { AvroSerde, schemaIdOf, WireFormatError } from '@claims-mesh/contracts';
import { BatchResult, InboundRecord } from '@claims-mesh/kafka';
import { deadLetterWriteOf, sourceTopicOf } from '../lineage/dead-letter-write';
import { LineageWrite, stageWriteOf } from '../lineage/lineage-write';
import { LineageWriter } from '../lineage/lineage-writer';
import { isStageTopic } from '../lineage/stages';
import { AuditMetrics } from '../metrics/audit-metrics';
import { deadLetterContentsOf } from './dead-letter-contents';
import { StageRecordDecoder } from './stage-record-decoder';

type RawRecord = InboundRecord<Buffer | null>;

/**
 * Turns consumed batches into lineage writes. Records arrive as raw bytes and are decoded
 * here, because the lineage keeps the schema id of each record and only the bytes hold it.
 */
@Injectable()
export class LineageRecorder {
  constructor(
    private readonly serde: AvroSerde,
    private readonly stageDecoder: StageRecordDecoder,
    private readonly writer: LineageWriter,
    private readonly metrics: AuditMetrics,
  ) {}

  /** A batch of a stage topic. Records that can never be decoded go to the DLQ (and from there into the lineage). */
  async recordStages(records: RawRecord[]): Promise<BatchResult> {
    const writes: LineageWrite[] = [];
    const rejected: NonNullable<BatchResult['rejected']> = [];
    for (const record of records) {
      try {
        const write = this.stageWriteOf(record);
        writes.push(write instanceof Promise ? await write : write);
      } catch (error) {
        if (!(error instanceof WireFormatError)) throw error;
        rejected.push({ record, error });
      }
    }
    await this.index(writes);
    return { outputs: [], rejected };
  }

  /** A batch of a DLQ: each dead letter becomes a step of the claim named by its key. */
  async recordDeadLetters(records: RawRecord[]): Promise<BatchResult> {
    const writes: LineageWrite[] = [];
    for (const record of records) {
      const write = deadLetterWriteOf(record, await deadLetterContentsOf(this.serde, record));
      if (write) writes.push(write);
      // Names no claim, so it has no lineage; still counted (each time it is delivered).
      else this.metrics.deadLetters.inc({ source_topic: sourceTopicOf(record) });
    }
    await this.index(writes);
    return { outputs: [] };
  }

  /** Synchronous once the record's writer schema is known, so a batch costs no promise per record. */
  private stageWriteOf(record: RawRecord): LineageWrite | Promise<LineageWrite> {
    const topic = record.topic;
    if (!isStageTopic(topic)) throw new Error(`audit: ${topic} is not a stage topic`);
    const source = {
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      schemaId: schemaIdOf(record.value),
    };
    const value = this.stageDecoder.decode(topic, record.value);
    return value instanceof Promise ? value.then((v) => stageWriteOf(topic, v, source)) : stageWriteOf(topic, value, source);
  }

  private async index(writes: LineageWrite[]): Promise<void> {
    const outcomes = await this.writer.write(writes);
    outcomes.forEach(({ stageRecorded, firstFinalDecision }, i) => {
      const { stage, final } = writes[i];
      this.metrics.lineageWrites.inc({
        stage: stage.stage,
        result: stageRecorded ? 'recorded' : 'duplicate',
      });
      if (stageRecorded && stage.stage === 'dead-lettered')
        this.metrics.deadLetters.inc({ source_topic: String(stage.sourceTopic) });
      if (firstFinalDecision && final)
        this.metrics.endToEndLatency.observe({ action: final.action }, final.endToEndLatencyMs / 1000);
    });
  }
}
