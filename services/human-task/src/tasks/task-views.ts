import { Injectable } from '@nestjs/common';
import { PersonalData } from '@claims-mesh/platform';
import type { ReviewTask } from './review-task';
import { toView, TaskView } from './task-view';

/**
 * Tasks as a reviewer sees them: the claim's personal data opened (the task keeps it as the
 * decision carried it, sealed when the mesh seals), null once its customer was erased.
 */
@Injectable()
export class TaskViews {
  constructor(private readonly personalData: PersonalData) {}

  async of(task: ReviewTask, callerId: string | undefined, now: number): Promise<TaskView> {
    const decision = await this.personalData.open('claims.decided.v1', task.decision);
    return toView(decision === task.decision ? task : { ...task, decision }, callerId, now);
  }
}
