import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AvroSerde, MODEL_ROLLOUT_TOPIC, type ModelRollout } from '@claims-mesh/contracts';
import { CompactedTopicTable, KafkaConnectionOptions, readRollout, RefusedRecord, type TableChange } from '@claims-mesh/kafka';
import { KAFKA_CONNECTION, ReadinessCheck, ReadinessChecks, ReadinessResult } from '@claims-mesh/platform';
import { GatewayConfig } from '../config';
import { GatewayMetrics, type RefusalReason } from '../metrics/gateway-metrics';
import { TritonShards } from '../triton/triton-shards';
import { LoadedVersions } from './loaded-versions';
import { bootstrapRollout, describeRouting, routingOf, type Routing } from './routing';
import { waitUntilLoaded } from './routing-versions';

/** How often a record waiting for its versions asks the shards again. */
const LOAD_CHECK_INTERVAL_MS = 500;

/** A routing and the decision it came from. */
interface Applied {
  routing: Routing;
  rollout: ModelRollout;
  /** `environment`, or the topic position of the record, e.g. `models.rollout.v1@0:12`. */
  source: string;
}

/**
 * Holds the routing the gateway scores with. It starts as the environment's (bootstrap) and is
 * replaced by each record of MODEL_FAMILY in models.rollout.v1 as it arrives, with no restart;
 * a tombstone goes back to the bootstrap routing. A record that cannot be decoded or is
 * invalid is logged, counted and skipped: the routing before it stays.
 *
 * At start the topic is read to its end: batches wait for that read (forBatch), and so does
 * /health/ready (HTTP listens once the module is initialised), so a restarted gateway never
 * scores with routing older than the topic's. The wait is bounded (ROLLOUT_STARTUP_TIMEOUT_MS);
 * past it the gateway goes on with what it has read (or the bootstrap) and says so.
 *
 * A record of its family that arrives after that read is applied only once every version it
 * routes to (student and teacher of the primary, the canary with a share, the shadow) is ready
 * on every Triton shard the router considers available (LoadedVersions). It waits for that up
 * to ROLLOUT_LOAD_WAIT_MS, asking every LOAD_CHECK_INTERVAL_MS, while batches go on taking the
 * routing applied before (each batch takes one routing whole); past the wait the record is
 * refused like an invalid one: logged, counted (reason versions_not_ready), the routing stays.
 * The records that were in the topic at start are not held up: they were checked by the
 * gateways running when they were published, only the last one counts, and a start-up read
 * stays bounded by ROLLOUT_STARTUP_TIMEOUT_MS. The routing they leave is checked once, and a
 * version missing is logged (and shows in the Triton readiness check).
 */
@Injectable()
export class RoutingProvider implements OnModuleInit, OnApplicationShutdown, ReadinessCheck {
  readonly name = 'routing';
  private readonly logger = new Logger(RoutingProvider.name);
  private readonly bootstrap: Applied;
  private applied: Applied;
  private table: CompactedTopicTable<ModelRollout> | undefined;
  private readonly loaded: LoadedVersions;
  private readonly stopping = new AbortController();
  /** True once the records that were in the topic at start are applied: later records are checked against Triton. */
  private historyRead = false;
  /** Why read() refused the record it last refused, for the metric (onChange sees only the message). */
  private refusal: RefusalReason | undefined;
  private started = false;
  private markStarted!: () => void;
  /**
   * Settles when the start-up read is over. Awaited by batches rather than left to module
   * initialisation: in Nest's hybrid application the claims consumer starts before the
   * modules' init hooks run.
   */
  private readonly startUp = new Promise<void>((resolve) => (this.markStarted = resolve));

  constructor(
    private readonly config: GatewayConfig,
    @Inject(KAFKA_CONNECTION) private readonly connection: KafkaConnectionOptions,
    private readonly serde: AvroSerde,
    private readonly metrics: GatewayMetrics,
    private readonly checks: ReadinessChecks,
    shards: TritonShards,
  ) {
    const rollout = bootstrapRollout(config);
    this.bootstrap = { routing: routingOf(rollout), rollout, source: 'environment' };
    this.applied = this.bootstrap;
    this.loaded = new LoadedVersions(shards.router, config.STUDENT_MODEL, config.TEACHER_MODEL);
  }

  /** The routing applied now. */
  get current(): Routing {
    return this.applied.routing;
  }

  /**
   * The routing to score a batch with, once the start-up read of the topic is over. Take it
   * once per batch and use only it for all of the batch's claims.
   */
  async forBatch(): Promise<Routing> {
    await this.startUp;
    return this.applied.routing;
  }

  async onModuleInit(): Promise<void> {
    this.checks.register(this);
    this.show(this.bootstrap);
    this.table = CompactedTopicTable.open({
      connection: this.connection,
      topic: MODEL_ROLLOUT_TOPIC,
      read: (bytes, key) => this.read(bytes, key),
      onChange: (change) => this.onChange(change),
      onRetry: (error, delayMs) => {
        if (!this.stopping.signal.aborted) this.logger.warn(`${MODEL_ROLLOUT_TOPIC}: ${error.message}; retrying in ${delayMs} ms`);
      },
    });
    const timeoutMs = this.config.ROLLOUT_STARTUP_TIMEOUT_MS;
    if (await this.table.caughtUp(timeoutMs)) {
      this.historyRead = true;
      this.logger.log(`routing of ${this.config.MODEL_FAMILY} from ${this.applied.source}: ${describeRouting(this.current)}`);
    } else {
      void this.finishHistory(this.table);
      this.logger.warn(
        `${MODEL_ROLLOUT_TOPIC} not read to its end within ${timeoutMs} ms: scoring with the routing from ${this.applied.source} ` +
          `(${describeRouting(this.current)}) until its records arrive`,
      );
    }
    this.started = true;
    this.markStarted();
    void this.warnIfNotLoaded(this.applied);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.table?.close();
  }

  /** Ready once the start-up read is over; the details say which routing is applied and where it came from. */
  async check(): Promise<ReadinessResult> {
    const { routing, rollout, source } = this.applied;
    return {
      ready: this.started,
      details: { family: this.config.MODEL_FAMILY, ...routing, source, eventId: rollout.eventId, reason: rollout.reason, decidedBy: rollout.decidedBy },
    };
  }

  /** A record's rollout, or RefusedRecord when it can never be routing; a registry outage is thrown as is (retried). */
  private async read(bytes: Buffer, key: string): Promise<ModelRollout> {
    const rollout = await readRollout(this.serde, bytes, key);
    // Other families' records are never applied here: they wait for nothing.
    if (this.historyRead && key === this.config.MODEL_FAMILY) await this.untilLoaded(rollout);
    return rollout;
  }

  /** Returns once the rollout's versions are ready on every available shard; RefusedRecord when they are not within ROLLOUT_LOAD_WAIT_MS. */
  private async untilLoaded(rollout: ModelRollout): Promise<void> {
    const routing = routingOf(rollout);
    const waitMs = this.config.ROLLOUT_LOAD_WAIT_MS;
    const verdict = await waitUntilLoaded(() => this.loaded.check(routing), {
      waitMs,
      intervalMs: LOAD_CHECK_INTERVAL_MS,
      signal: this.stopping.signal,
      onWaiting: ({ problem }) =>
        this.logger.warn(
          `rollout ${rollout.eventId} (${describeRouting(routing)}) waits up to ${waitMs} ms for its versions: ${problem}; ` +
            `scoring with ${describeRouting(this.current)} meanwhile`,
        ),
    });
    // Shutting down: neither applied nor refused (the table stops before it is retried).
    if (this.stopping.signal.aborted) throw new Error('shutting down');
    if (!verdict.ready) {
      this.refusal = 'versions_not_ready';
      throw new RefusedRecord(`its versions are not ready on every available Triton shard after ${waitMs} ms: ${verdict.problem}`);
    }
  }

  /** Follows the start-up read past its timeout, to tell when the records in the topic at start are all applied. */
  private async finishHistory(table: CompactedTopicTable<ModelRollout>): Promise<void> {
    while (!this.stopping.signal.aborted && !(await table.caughtUp(1000)));
    this.historyRead = true;
  }

  /** The routing the start-up read left is applied without waiting; says so when Triton lacks one of its versions. */
  private async warnIfNotLoaded(applied: Applied): Promise<void> {
    const verdict = await this.loaded.check(applied.routing).catch((error: Error) => ({ ready: false, problem: error.message }));
    if (!verdict.ready && this.applied === applied) {
      this.logger.warn(`routing of ${this.config.MODEL_FAMILY} from ${applied.source} names versions Triton does not serve everywhere: ${verdict.problem}`);
    }
  }

  private onChange(change: TableChange<ModelRollout>): void {
    // Other families' routing is other gateways' business; a record without a key could be anyone's.
    if (change.key !== undefined && change.key !== this.config.MODEL_FAMILY) return;
    const at = `${MODEL_ROLLOUT_TOPIC}@${change.partition}:${change.offset}`;
    if (change.kind === 'refused') {
      const reason = this.refusal ?? 'invalid';
      this.refusal = undefined;
      this.metrics.routingRecords.inc({ outcome: 'rejected', reason });
      this.logger.warn(`${at} rejected (${change.reason}): the routing stays ${describeRouting(this.current)}`);
      return;
    }
    const next: Applied =
      change.kind === 'set' ? { routing: routingOf(change.value), rollout: change.value, source: at } : { ...this.bootstrap, source: `environment (tombstone at ${at})` };
    this.applied = next;
    this.metrics.routingRecords.inc({ outcome: 'applied' });
    this.show(next);
    const by = change.kind === 'set' ? ` by ${change.value.decidedBy} (${change.value.reason})` : '';
    this.logger.log(`routing of ${this.config.MODEL_FAMILY} from ${next.source}${by}: ${describeRouting(next.routing)}`);
  }

  private show(applied: Applied): void {
    this.metrics.setRouting(this.config.MODEL_FAMILY, applied.routing);
  }
}
