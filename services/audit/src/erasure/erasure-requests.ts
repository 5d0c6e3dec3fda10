import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AvroSerde, deterministicUuid, type ErasureRequest, type ErasureStatus } from '@claims-mesh/contracts';
import { CompactedTopicTable, KafkaConnectionOptions, KafkaPublisher } from '@claims-mesh/kafka';
import { ERASURE_REQUEST_TOPIC, ERASURE_STATUS_TOPIC, erasureStatusKey, KAFKA_CONNECTION, PersonalData, readErasureRecord, REDIS } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { AuditConfig } from '../config';
import { LineageKeys } from '../lineage/lineage-keys';
import { execOrThrow } from '../lineage/redis-replies';
import { erasureViewOf, ErasureView } from './erasure-view';

/**
 * The mesh's erasures as audit's API sees them: a request is recorded here (once per subject,
 * so asking twice is one erasure) and published on subjects.erasure.v1, which every service that
 * keeps personal data applies; their completions, read from subjects.erasure-status.v1 as a
 * table, make the erasure's status.
 */
@Injectable()
export class ErasureRequests implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ErasureRequests.name);
  private readonly stores: string[];
  private readonly retentionSeconds: number;
  private statuses: CompactedTopicTable<ErasureStatus> | undefined;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(KAFKA_CONNECTION) private readonly connection: KafkaConnectionOptions,
    private readonly keys: LineageKeys,
    private readonly personalData: PersonalData,
    private readonly publisher: KafkaPublisher,
    private readonly serde: AvroSerde,
    config: AuditConfig,
  ) {
    this.stores = config.ERASURE_STORES.split(',');
    // A request is the record that an erasure was asked for: kept as long as the lineages it concerns.
    this.retentionSeconds = config.AUDIT_RETENTION_DAYS * 86_400;
  }

  onModuleInit(): void {
    this.statuses = CompactedTopicTable.open({
      connection: this.connection,
      topic: ERASURE_STATUS_TOPIC,
      read: (bytes, key) => readErasureRecord<ErasureStatus>(this.serde, ERASURE_STATUS_TOPIC, bytes, key, (status) => status.storeKey),
      onChange: (change) => {
        if (change.kind === 'refused') this.logger.error(`${ERASURE_STATUS_TOPIC} offset ${change.offset}: refused (${change.reason})`);
      },
      onRetry: (error, delayMs) => this.logger.warn(`${ERASURE_STATUS_TOPIC}: ${error.message}; retrying in ${delayMs} ms`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.statuses?.close();
  }

  /**
   * Records the subject's erasure unless it was requested before, and publishes the recorded
   * request: a second request publishes the first one again (the same record), which also
   * completes a request whose publish failed.
   */
  async request(customerId: string, requestedBy: string, now = Date.now()): Promise<ErasureView> {
    const subjectRef = this.personalData.subjectRef(customerId);
    const candidate: ErasureRequest = { eventId: deterministicUuid('erasure', subjectRef), subjectRef, requestedBy, requestedAt: now };
    const [, , stored] = (await execOrThrow(
      this.redis
        .multi()
        .hsetnx(this.keys.erasureRequests(), subjectRef, JSON.stringify(candidate))
        .expire(this.keys.erasureRequests(), this.retentionSeconds)
        .hget(this.keys.erasureRequests(), subjectRef),
      'erasure request',
    )) as [number, number, string];
    const request = JSON.parse(stored) as ErasureRequest;
    await this.publisher.publish(ERASURE_REQUEST_TOPIC, [{ key: subjectRef, value: request }]);
    return this.viewOf(request);
  }

  /** The erasure's status, or undefined when none was requested. */
  async status(customerId: string): Promise<ErasureView | undefined> {
    const stored = await this.redis.hget(this.keys.erasureRequests(), this.personalData.subjectRef(customerId));
    return stored === null ? undefined : this.viewOf(JSON.parse(stored) as ErasureRequest);
  }

  private viewOf(request: ErasureRequest): ErasureView {
    const reported = this.stores.map((store) => this.statuses?.get(erasureStatusKey(request.subjectRef, store)));
    return erasureViewOf(request, this.stores, reported);
  }
}
