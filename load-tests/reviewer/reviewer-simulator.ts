import { createHash } from 'node:crypto';
import { seeded } from '../demo/synthetic-claims';
import type { TruthSource } from '../synthetic/ground-truth';

export type ReviewOutcome = 'APPROVE' | 'REJECT';

export interface ReviewerSimulatorOptions {
  /** human-task's base URL, e.g. http://127.0.0.1:3005. */
  humanTaskUrl: string;
  /** The claims' ground truth, by claimId. Tasks of claims it does not know are left alone. */
  truth: TruthSource;
  /** Keys with reviews:read and reviews:write; reviewer i uses apiKeys[i % apiKeys.length]. */
  apiKeys?: string[];
  /** Chance (0..1) that a verdict matches the truth: REJECT for fraud, APPROVE otherwise. */
  accuracy?: number;
  /** Reviewers working the queue at the same time. */
  reviewers?: number;
  /** Mean time a reviewer spends on a claimed task before completing it (each is drawn in 0.5..1.5 of it). */
  thinkTimeMs?: number;
  /** Draws which verdicts are right (per task, so the same seed gives a task the same verdict) and which task a reviewer picks. */
  seed?: number;
  /** Stop once this many tasks are completed (all reviewers together). */
  maxTasks?: number;
  /** Stop after this long. */
  durationMs?: number;
  /** A reviewer stops once it has found no open task of a known claim for this long; Infinity waits on. */
  idleMs?: number;
  /** Wait between two looks at an empty queue. */
  pollMs?: number;
  /** A reviewer takes one of the first `pick` open tasks it knows (1: always the top one). */
  pick?: number;
  /** The note every verdict carries (human-task requires one). */
  note?: string;
  /** Progress lines; none by default. */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface SimulatedVerdict {
  taskId: string;
  claimId: string;
  reviewer: number;
  fraud: boolean;
  outcome: ReviewOutcome;
  correct: boolean;
  /** 200: reviews.completed.v1 acknowledged; 202: recorded, its event waits in human-task's outbox. */
  status: number;
}

export interface ReviewerReport {
  /** Tasks completed by the simulator. */
  worked: number;
  correct: number;
  incorrect: number;
  /** 409s: the task was claimed or completed by someone else first, or a lease ran out. */
  conflicts: number;
  conflictsByKind: Record<string, number>;
  /** Tasks that were gone (404) by the time a reviewer claimed them. */
  notFound: number;
  /** Distinct open tasks seen whose claim the truth source does not know (left alone). */
  unknownSkipped: number;
  /** 5xx answers and network failures, each retried. */
  retriedErrors: number;
  verdicts: SimulatedVerdict[];
  elapsedMs: number;
  stoppedBy: 'maxTasks' | 'duration' | 'idle' | 'aborted';
}

/** A 4xx the simulator cannot work around (wrong key, missing scope, a request human-task refuses). */
export class ReviewerSimulatorError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ReviewerSimulatorError';
  }
}

interface TaskSummary {
  taskId: string;
  claimId: string;
  status: string;
}
interface TaskPage {
  tasks: TaskSummary[];
  nextCursor: string | null;
}

const PAGE_SIZE = 100;
const MAX_PAGES_PER_LOOK = 50;
const MAX_CONSECUTIVE_ERRORS = 10;

/**
 * Reviewers who work human-task's review queue through its HTTP API as people do: look at the
 * open tasks (GET /v1/tasks?status=open), claim one (POST /v1/tasks/{taskId}/claim), think,
 * complete it (POST /v1/tasks/{taskId}/complete) with REJECT for a fraud and APPROVE for a
 * genuine claim, or the opposite when the draw says this verdict is a wrong one
 * (1 - accuracy of them). A task someone else claimed or completed first (409) is counted and
 * left; a 401/403/400 stops the run with a ReviewerSimulatorError saying what was refused.
 */
export class ReviewerSimulator {
  private readonly base: string;
  private readonly apiKeys: string[];
  private readonly accuracy: number;
  private readonly seed: number;
  private readonly started = Date.now();
  /** Aborted when the caller's signal is, or when one reviewer meets an error that ends the run. */
  private readonly halt = new AbortController();
  private readonly signal: AbortSignal;
  private stopReason: ReviewerReport['stoppedBy'] | undefined;
  private inFlight = 0;
  private readonly unknown = new Set<string>();
  private readonly finished = new Set<string>();
  private readonly report: Omit<ReviewerReport, 'elapsedMs' | 'stoppedBy' | 'unknownSkipped'> = {
    worked: 0,
    correct: 0,
    incorrect: 0,
    conflicts: 0,
    conflictsByKind: {},
    notFound: 0,
    retriedErrors: 0,
    verdicts: [],
  };

  constructor(private readonly options: ReviewerSimulatorOptions) {
    this.base = options.humanTaskUrl.replace(/\/$/, '');
    this.apiKeys = options.apiKeys?.length ? options.apiKeys : ['dev-reviewer-key'];
    this.accuracy = options.accuracy ?? 1;
    if (!(this.accuracy >= 0 && this.accuracy <= 1))
      throw new Error(`accuracy must be within 0..1, got ${options.accuracy}`);
    this.seed = options.seed ?? 1;
    this.signal = options.signal ? AbortSignal.any([options.signal, this.halt.signal]) : this.halt.signal;
  }

  /** The verdict the simulator gives a claim of this truth on this task (deterministic per seed and task). */
  verdictFor(taskId: string, fraud: boolean): { outcome: ReviewOutcome; correct: boolean } {
    const correct = taskUniform(this.seed, taskId) < this.accuracy;
    const truthful: ReviewOutcome = fraud ? 'REJECT' : 'APPROVE';
    return { outcome: correct ? truthful : fraud ? 'APPROVE' : 'REJECT', correct };
  }

  /** Works the queue until a stop condition holds; resolves with the counts and every verdict given. */
  async run(): Promise<ReviewerReport> {
    const reviewers = Math.max(1, this.options.reviewers ?? 1);
    const outcomes = await Promise.allSettled(Array.from({ length: reviewers }, (_, i) => this.work(i)));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    const report: ReviewerReport = {
      ...this.report,
      unknownSkipped: this.unknown.size,
      elapsedMs: Date.now() - this.started,
      stoppedBy: this.stopReason ?? 'idle',
    };
    this.options.log?.(
      `[reviewer] ${report.worked} worked (${report.correct} correct, ${report.incorrect} not), ${report.conflicts} conflicts, ` +
        `${report.notFound} gone, ${report.unknownSkipped} unknown claims left alone; stopped by ${report.stoppedBy}`,
    );
    return report;
  }

  private async work(reviewer: number): Promise<void> {
    try {
      await this.workQueue(reviewer);
    } catch (error) {
      if (this.signal.aborted) return; // stopped from outside, or another reviewer's error ends the run
      this.halt.abort();
      throw error;
    }
  }

  private async workQueue(reviewer: number): Promise<void> {
    const apiKey = this.apiKeys[reviewer % this.apiKeys.length];
    const random = seeded(this.seed * 7919 + reviewer);
    const { idleMs = 5000, pollMs = 500, pick = 3 } = this.options;
    let idleSince = Date.now();
    for (;;) {
      if (this.shouldStop()) return;
      const candidates = await this.openKnownTasks(apiKey, pick);
      if (candidates.length === 0) {
        if (Date.now() - idleSince >= idleMs) {
          this.stopReason ??= 'idle';
          return;
        }
        await sleep(pollMs, this.signal);
        continue;
      }
      idleSince = Date.now();
      if (!this.reserve()) return;
      try {
        await this.review(reviewer, apiKey, candidates[Math.floor(random() * candidates.length)], random);
      } finally {
        this.inFlight--;
      }
    }
  }

  private shouldStop(): boolean {
    const { maxTasks, durationMs } = this.options;
    if (this.signal.aborted) this.stopReason ??= 'aborted';
    else if (maxTasks !== undefined && this.report.worked >= maxTasks) this.stopReason ??= 'maxTasks';
    else if (durationMs !== undefined && Date.now() - this.started >= durationMs)
      this.stopReason ??= 'duration';
    return this.stopReason !== undefined && this.stopReason !== 'idle';
  }

  /** Takes a slot of maxTasks for one task, so concurrent reviewers do not overshoot it. */
  private reserve(): boolean {
    const { maxTasks } = this.options;
    if (maxTasks !== undefined && this.report.worked + this.inFlight >= maxTasks) {
      this.stopReason ??= 'maxTasks';
      return false;
    }
    this.inFlight++;
    return true;
  }

  /** The first `wanted` open tasks (in the queue's order) whose claim the truth knows, paging on past the others. */
  private async openKnownTasks(apiKey: string, wanted: number): Promise<TaskSummary[]> {
    const found: TaskSummary[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES_PER_LOOK; page++) {
      const query: string = `status=open&limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { body }: { body: TaskPage } = await this.call<TaskPage>(
        apiKey,
        'GET',
        `/v1/tasks?${query}`,
        undefined,
        [200],
      );
      for (const task of body.tasks) {
        if (task.status !== 'open' || this.finished.has(task.taskId)) continue;
        if (this.options.truth.fraudOf(task.claimId) === undefined) this.unknown.add(task.taskId);
        else found.push(task);
        if (found.length >= wanted) return found;
      }
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    return found;
  }

  private async review(
    reviewer: number,
    apiKey: string,
    task: TaskSummary,
    random: () => number,
  ): Promise<void> {
    const path = `/v1/tasks/${encodeURIComponent(task.taskId)}`;
    const claimed = await this.call(apiKey, 'POST', `${path}/claim`, undefined, [200, 404, 409]);
    if (this.refused(task, claimed)) return;
    const fraud = this.options.truth.fraudOf(task.claimId) as boolean;
    const { outcome, correct } = this.verdictFor(task.taskId, fraud);
    const think = this.options.thinkTimeMs ?? 0;
    if (think > 0) await sleep(think * (0.5 + random()), this.signal);
    const body = { outcome, note: this.options.note ?? `Simulated reviewer ${reviewer + 1}.` };
    let completed = await this.call(apiKey, 'POST', `${path}/complete`, body, [200, 202, 404, 409]);
    if (completed.status === 409 && errorKind(completed.body) === 'lease_expired') {
      this.countConflict('lease_expired'); // thought too long: claim again and resubmit once
      const again = await this.call(apiKey, 'POST', `${path}/claim`, undefined, [200, 404, 409]);
      if (this.refused(task, again)) return;
      completed = await this.call(apiKey, 'POST', `${path}/complete`, body, [200, 202, 404, 409]);
    }
    if (this.refused(task, completed)) return;
    this.finished.add(task.taskId);
    this.report.worked++;
    this.report[correct ? 'correct' : 'incorrect']++;
    this.report.verdicts.push({
      taskId: task.taskId,
      claimId: task.claimId,
      reviewer,
      fraud,
      outcome,
      correct,
      status: completed.status,
    });
  }

  /** Counts a 404 or 409 answer and says whether it was one (then the task is left). */
  private refused(task: TaskSummary, answer: { status: number; body: unknown }): boolean {
    if (answer.status === 404) {
      this.report.notFound++;
      this.finished.add(task.taskId);
      return true;
    }
    if (answer.status === 409) {
      const kind = errorKind(answer.body);
      this.countConflict(kind);
      if (kind === 'already_completed') this.finished.add(task.taskId);
      this.options.log?.(`[reviewer] task ${task.taskId}: 409 ${kind}`);
      return true;
    }
    return false;
  }

  private countConflict(kind: string): void {
    this.report.conflicts++;
    this.report.conflictsByKind[kind] = (this.report.conflictsByKind[kind] ?? 0) + 1;
  }

  /**
   * One request; 5xx answers and network failures are retried (with a growing pause), any
   * status not `expected` is a ReviewerSimulatorError naming the request and human-task's answer.
   */
  private async call<T = unknown>(
    apiKey: string,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    expected: number[],
  ): Promise<{ status: number; body: T }> {
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let parsed: unknown;
      try {
        const res = await fetch(`${this.base}${path}`, {
          method,
          headers: {
            'x-api-key': apiKey,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: this.signal,
        });
        status = res.status;
        const text = await res.text();
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = text;
        }
      } catch (error) {
        if (this.signal.aborted) throw error;
        status = 0;
        parsed = (error as Error).message;
      }
      if (expected.includes(status)) return { status, body: parsed as T };
      if ((status === 0 || status >= 500) && attempt < MAX_CONSECUTIVE_ERRORS) {
        this.report.retriedErrors++;
        await sleep(Math.min(5000, 200 * 2 ** attempt), this.signal);
        continue;
      }
      const why =
        status === 401
          ? 'the API key was not accepted'
          : status === 403
            ? 'the API key lacks reviews:read or reviews:write'
            : status === 0
              ? 'human-task did not answer'
              : `human-task answered ${status}`;
      throw new ReviewerSimulatorError(
        `${method} ${path}: ${why}: ${typeof parsed === 'string' ? parsed : JSON.stringify(parsed)}`,
        status,
        parsed,
      );
    }
  }
}

/** A uniform draw in [0, 1) fixed by the seed and the task. */
function taskUniform(seed: number, taskId: string): number {
  return createHash('sha256').update(`${seed}:${taskId}`).digest().readUInt32BE(0) / 2 ** 32;
}

function errorKind(body: unknown): string {
  const error = (body as { error?: unknown } | undefined)?.error;
  return typeof error === 'string' ? error : 'conflict';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
