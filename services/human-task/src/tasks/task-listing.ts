import { Injectable } from '@nestjs/common';
import { dueByBound, taskIdOfMember } from './queue-order';
import { isOverdue, ReviewTask, statusOf } from './review-task';
import { badRequest } from '@claims-mesh/platform';
import { ListTasksQuery } from './task-requests';
import { TaskIndex, TaskStore } from './task-store';
import { TaskView } from './task-view';
import { TaskViews } from './task-views';

export const DEFAULT_PAGE_SIZE = 25;
/** A filtered page stops after this many index entries, so one request stays cheap; the cursor goes on from there. */
const MAX_SCANNED_PER_PAGE = 2000;
const FILTERED_CHUNK = 100;

export interface TaskPage {
  tasks: TaskView[];
  /** Pass as `cursor` for the next page; null when the index is exhausted. A page may be short, even empty, and still have a next one. */
  nextCursor: string | null;
  counts: { todo: number; overdue: number };
}

/**
 * Pages through an index: to-do tasks by priority then due time; overdue ones (overdue=true)
 * by due time, most overdue first; completed ones newest first. The cursor is the last index
 * member seen, so pages stay stable while tasks are added.
 */
@Injectable()
export class TaskListing {
  constructor(
    private readonly store: TaskStore,
    private readonly views: TaskViews,
  ) {}

  async list(query: ListTasksQuery, callerId: string | undefined, now = Date.now()): Promise<TaskPage> {
    const index: TaskIndex = query.status === 'completed' ? 'completed' : query.overdue === 'true' ? 'due' : 'todo';
    const before = index === 'due' ? dueByBound(now) : undefined;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    // Does the index hold entries the query filters out? Then fetch in larger chunks.
    const filtered = query.status === 'open' || query.status === 'claimed' || (query.overdue !== undefined && index !== 'due');
    // The page's tasks first, then their views (each opens its claim's personal data) all at once.
    const page: ReviewTask[] = [];
    let after = query.cursor === undefined ? undefined : memberOf(query.cursor);
    let scanned = 0;
    let exhausted = false;
    while (page.length < limit && scanned < MAX_SCANNED_PER_PAGE && !exhausted) {
      const chunk = filtered ? FILTERED_CHUNK : limit - page.length;
      const members = await this.store.scan(index, after, chunk, before);
      const found = await this.store.getMany(members.map(taskIdOfMember));
      let seen = 0;
      for (const [i, member] of members.entries()) {
        after = member;
        seen++;
        const task = found[i];
        if (task && matches(task, query, now)) page.push(task);
        if (page.length === limit) break;
      }
      scanned += seen;
      exhausted = members.length < chunk && seen === members.length;
    }
    const [tasks, todo, overdue] = await Promise.all([
      Promise.all(page.map((task) => this.views.of(task, callerId, now))),
      this.store.openCount(),
      this.store.overdueCount(now),
    ]);
    return { tasks, nextCursor: exhausted || after === undefined ? null : cursorOf(after), counts: { todo, overdue } };
  }
}

function matches(task: ReviewTask, query: ListTasksQuery, now: number): boolean {
  if ((query.status === 'open' || query.status === 'claimed') && statusOf(task, now) !== query.status) return false;
  if (query.overdue !== undefined && isOverdue(task, now) !== (query.overdue === 'true')) return false;
  return true;
}

function cursorOf(member: string): string {
  return Buffer.from(member, 'utf8').toString('base64url');
}

function memberOf(cursor: string): string {
  const member = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9]+:([0-9]+:)?[0-9a-f-]{36}$/i.test(member)) {
    throw badRequest([{ field: 'cursor', problem: 'cursor must be a nextCursor value from an earlier page' }]);
  }
  return member;
}
