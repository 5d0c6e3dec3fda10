import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { contextFromHeaders, KafkaPublisher } from '@claims-mesh/kafka';
import { HumanTaskConfig } from '../config';
import { ReviewMetrics } from './review-metrics';
import { ReviewTask } from './review-task';
import { TaskStore } from './task-store';

export const REVIEWS_COMPLETED_TOPIC = 'reviews.completed.v1';

const tracer = trace.getTracer('human-task');

/**
 * Publishes verdicts to reviews.completed.v1. A task is marked completed in Redis before its
 * event is produced, so a second completion is refused however the publish goes; the task
 * stays in the outbox until Kafka acknowledges (acks=all). Whatever a crash or a broker
 * outage left there is published again later with the same eventId, so nothing is lost and
 * consumers can drop the rare duplicate by eventId.
 */
@Injectable()
export class VerdictPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(VerdictPublisher.name);
  private timer: NodeJS.Timeout | undefined;
  private retrying = false;

  constructor(
    private readonly store: TaskStore,
    private readonly kafka: KafkaPublisher,
    private readonly metrics: ReviewMetrics,
    private readonly config: HumanTaskConfig,
  ) {}

  /** True once Kafka acknowledged the task's event; false when it stays in the outbox for a retry. */
  async publish(task: ReviewTask, path: 'request' | 'outbox' = 'request'): Promise<boolean> {
    const event = task.verdict?.event;
    if (!event) throw new Error(`task ${task.taskId} has no verdict to publish`);
    // The verdict continues the claim's trace; the reviewer's request (if any) is linked to it.
    const claimTrace = contextFromHeaders(task.trace);
    const request = trace.getActiveSpan()?.spanContext();
    const span = tracer.startSpan(
      `publish ${REVIEWS_COMPLETED_TOPIC}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': REVIEWS_COMPLETED_TOPIC, 'claims.task_id': task.taskId, 'claims.publish_path': path },
        links: request ? [{ context: request }] : [],
      },
      claimTrace,
    );
    try {
      await context.with(trace.setSpan(claimTrace, span), () => this.kafka.publish(REVIEWS_COMPLETED_TOPIC, [{ key: event.claimId, value: event }]));
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      this.logger.warn(`verdict of task ${task.taskId} not acknowledged by Kafka, left in the outbox: ${(error as Error).message}`);
      return false;
    } finally {
      span.end();
    }
    this.metrics.verdictsPublished.inc({ path });
    // Failing to note the acknowledgement only costs a duplicate (same eventId) from the outbox later.
    await this.store.markPublished(task.taskId).catch((error: Error) => this.logger.warn(`task ${task.taskId} stays in the outbox: ${error.message}`));
    return true;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.retryUnacknowledged(), this.retryMillis);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.kafka.close();
  }

  /** Republishes verdicts older than the retry period: younger ones may still be in a request's publish. */
  private async retryUnacknowledged(): Promise<void> {
    if (this.retrying) return;
    this.retrying = true;
    try {
      const tasks = await this.store.getMany(await this.store.unpublished());
      const cutoff = Date.now() - this.retryMillis;
      for (const task of tasks) {
        if (task?.verdict && !task.verdict.published && task.verdict.completedAt <= cutoff) await this.publish(task, 'outbox');
      }
    } catch (error) {
      this.logger.warn(`outbox retry failed: ${(error as Error).message}`);
    } finally {
      this.retrying = false;
    }
  }

  private get retryMillis(): number {
    return this.config.OUTBOX_RETRY_SECONDS * 1000;
  }
}
