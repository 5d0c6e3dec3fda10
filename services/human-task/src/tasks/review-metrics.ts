import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { TaskStore } from './task-store';

/** The review queue as Prometheus sees it; the gauges are read from Redis at scrape time. */
@Injectable()
export class ReviewMetrics {
  readonly tasksCreated: Counter;
  readonly tasksCompleted: Counter<'outcome'>;
  readonly verdictsPublished: Counter<'path'>;
  private readonly logger = new Logger(ReviewMetrics.name);

  constructor(registry: Registry, store: TaskStore) {
    this.tasksCreated = new Counter({ name: 'reviews_tasks_created_total', help: 'Review tasks created from REVIEW decisions.', registers: [registry] });
    this.tasksCompleted = new Counter({
      name: 'reviews_tasks_completed_total',
      help: 'Review tasks completed, by outcome.',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.verdictsPublished = new Counter({
      name: 'reviews_verdicts_published_total',
      help: 'reviews.completed.v1 records acknowledged by Kafka: in the request, or republished from the outbox.',
      labelNames: ['path'],
      registers: [registry],
    });
    this.gaugeFromRedis(registry, 'reviews_overdue_tasks', 'Open review tasks past their SLA due time.', () => store.overdueCount(Date.now()));
    this.gaugeFromRedis(registry, 'reviews_open_tasks', 'Review tasks not completed yet (open or claimed).', () => store.openCount());
  }

  private gaugeFromRedis(registry: Registry, name: string, help: string, read: () => Promise<number>): void {
    const logger = this.logger;
    new Gauge({
      name,
      help,
      registers: [registry],
      // While Redis is down the gauge keeps its last value rather than failing the whole scrape.
      async collect() {
        try {
          this.set(await read());
        } catch (error) {
          logger.warn(`${name} not refreshed: ${(error as Error).message}`);
        }
      },
    });
  }
}
