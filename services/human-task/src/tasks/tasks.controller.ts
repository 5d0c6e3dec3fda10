import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { AuthenticatedRequest, RequiresScope } from '@claims-mesh/platform';
import type { Response } from 'express';
import { ReviewTasksService } from './review-tasks.service';
import { CompleteTaskRequest, ListTasksQuery, TaskIdParam, validRequest } from './task-requests';
import { TaskListing, TaskPage } from './task-listing';
import { TaskView } from './task-view';

/** The reviewers' API: `reviews:read` to look, `reviews:write` to claim and complete. */
@Controller('v1/tasks')
export class TasksController {
  constructor(
    private readonly tasks: ReviewTasksService,
    private readonly listing: TaskListing,
  ) {}

  @Get()
  @RequiresScope('reviews:read')
  list(@Query() query: unknown, @Req() req: AuthenticatedRequest): Promise<TaskPage> {
    return this.listing.list(validRequest(ListTasksQuery, query, 'query'), req.caller?.id);
  }

  @Get(':taskId')
  @RequiresScope('reviews:read')
  get(@Param() params: unknown, @Req() req: AuthenticatedRequest): Promise<TaskView> {
    return this.tasks.get(validRequest(TaskIdParam, params, 'path').taskId, req.caller?.id);
  }

  @Post(':taskId/claim')
  @HttpCode(200)
  @RequiresScope('reviews:write')
  claim(@Param() params: unknown, @Req() req: AuthenticatedRequest): Promise<TaskView> {
    return this.tasks.claim(validRequest(TaskIdParam, params, 'path').taskId, reviewer(req));
  }

  /** 200 once reviews.completed.v1 is acknowledged; 202 when the verdict is recorded and its event waits in the outbox. */
  @Post(':taskId/complete')
  @RequiresScope('reviews:write')
  async complete(
    @Param() params: unknown,
    @Body() body: unknown,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TaskView> {
    const { taskId } = validRequest(TaskIdParam, params, 'path');
    const { outcome, note } = validRequest(CompleteTaskRequest, body ?? {}, 'body');
    const { task, published } = await this.tasks.complete(taskId, reviewer(req), outcome, note);
    res.status(published ? 200 : 202);
    return task;
  }
}

function reviewer(req: AuthenticatedRequest): string {
  // The guard has run (the route requires a scope), so the caller is known.
  return (req.caller as { id: string }).id;
}
