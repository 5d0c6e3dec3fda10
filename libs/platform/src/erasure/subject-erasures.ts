import { Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AvroSerde, deterministicUuid, type ErasureRequest, type ErasureStatus } from '@claims-mesh/contracts';
import { backoffDelay, CompactedTopicTable, DEFAULT_BACKOFF, KafkaConnectionOptions, KafkaPublisher, type TableChange } from '@claims-mesh/kafka';
import { KAFKA_CONNECTION } from '../kafka/kafka-connection.module';
import { PersonalData } from '../pii/personal-data.module';
import { SERVICE_NAME } from '../service-name';
import { ErasedSubjects } from './erased-subjects';
import { ERASURE_REQUEST_TOPIC, ERASURE_STATUS_TOPIC, erasureStatusKey, readErasureRecord } from './erasure-topics';

/** A store of a service that keeps personal data, as an erasure request reaches it. */
export interface ErasableStore {
  /** The store's name on the status topic, as audit's ERASURE_STORES lists it. */
  readonly name: string;
  /** Where the store marks its erased subjects (see ErasedSubjects). */
  readonly erased: ErasedSubjects;
  /**
   * Removes or redacts the subject's personal data from the store, after the subject is marked;
   * answers what it did as counts by kind. Run again after a failure or a restart, so it must
   * do nothing twice.
   */
  erase(request: ErasureRequest): Promise<Record<string, number>>;
}

/**
 * Applies the erasure requests of subjects.erasure.v1 to the service's stores and reports each
 * store's completion on subjects.erasure-status.v1. Every replica reads the compacted topic as a
 * table from its start (CompactedTopicTable: no consumer group, so every replica also forgets
 * the subject's held data key) and applies each request whose stores have not completed it, one
 * request at a time, retrying failures with backoff: a restart, or a store restored from a
 * backup, carries out every erasure again. Replicas applying the same request at once do the
 * same idempotent deletions and report the same completion.
 */
@Injectable()
export class SubjectErasures implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SubjectErasures.name);
  private readonly stores: ErasableStore[] = [];
  private table: CompactedTopicTable<ErasureRequest> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    @Inject(KAFKA_CONNECTION) private readonly connection: KafkaConnectionOptions,
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly serde: AvroSerde,
    private readonly publisher: KafkaPublisher,
    private readonly personalData: PersonalData,
  ) {}

  /** Adds a store; called from the store's onModuleInit, before the requests are read. */
  register(store: ErasableStore): void {
    this.stores.push(store);
  }

  onApplicationBootstrap(): void {
    this.table = CompactedTopicTable.open({
      connection: this.connection,
      topic: ERASURE_REQUEST_TOPIC,
      read: (bytes, key) => readErasureRecord<ErasureRequest>(this.serde, ERASURE_REQUEST_TOPIC, bytes, key, (request) => request.subjectRef),
      onChange: (change) => this.onChange(change),
      onRetry: (error, delayMs) => this.logger.warn(`${ERASURE_REQUEST_TOPIC}: ${error.message}; retrying in ${delayMs} ms`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.table?.close();
    await this.queue;
  }

  private onChange(change: TableChange<ErasureRequest>): void {
    if (change.kind === 'refused') {
      this.logger.error(`${ERASURE_REQUEST_TOPIC} partition ${change.partition} offset ${change.offset}: refused (${change.reason})`);
      return;
    }
    if (change.kind !== 'set') return;
    const request = change.value;
    // At once, not in turn: a held key would otherwise go on sealing the subject's new records.
    this.personalData.keys.forget(request.subjectRef);
    this.queue = this.queue.then(() => this.applyUntilDone(request));
  }

  private async applyUntilDone(request: ErasureRequest): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.apply(request);
        return;
      } catch (error) {
        const delayMs = backoffDelay(attempt, DEFAULT_BACKOFF);
        this.logger.warn(`erasure ${request.eventId}: ${(error as Error).message}; retrying in ${delayMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async apply(request: ErasureRequest): Promise<void> {
    const { subjectRef } = request;
    for (const store of this.stores) {
      if (await store.erased.completed(subjectRef)) continue;
      await store.erased.begin(subjectRef);
      const removed = await store.erase(request);
      const status: ErasureStatus = {
        eventId: deterministicUuid('erasure-status', request.eventId, store.name),
        storeKey: erasureStatusKey(subjectRef, store.name),
        subjectRef,
        store: store.name,
        service: this.service,
        completedAt: Date.now(),
        removed,
      };
      // Reported before it is recorded as complete: a crash in between reports it again, never not at all.
      await this.publisher.publish(ERASURE_STATUS_TOPIC, [{ key: status.storeKey, value: status }]);
      await store.erased.complete(status);
      this.logger.log(`erasure ${request.eventId}: ${store.name} done (${JSON.stringify(removed)})`);
    }
  }
}

/** Imported by every service that keeps personal data; its stores register with SubjectErasures. */
@Global()
@Module({ providers: [SubjectErasures], exports: [SubjectErasures] })
export class SubjectErasuresModule {}
