import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiValidatedBody, ApiValidatedPath, ApiValidatedQuery, AuthenticatedRequest, RequiresScope } from '@claims-mesh/platform';
import type { Response } from 'express';
import { ReviewTasksService } from './review-tasks.service';
import { CompleteTaskRequest, ListTasksQuery, TaskIdParam, validRequest } from './task-requests';
import { TaskListing, TaskPage } from './task-listing';
import { TaskConflictDto, TaskPageDto, TaskViewDto } from './task-responses.dto';
import { TaskView } from './task-view';

const NOT_FOUND = 'There is no review task with this id.';

/** The reviewers' API: `reviews:read` to look, `reviews:write` to claim and complete. */
@ApiTags('tasks')
@Controller('v1/tasks')
export class TasksController {
  constructor(
    private readonly tasks: ReviewTasksService,
    private readonly listing: TaskListing,
  ) {}

  @Get()
  @RequiresScope('reviews:read')
  @ApiOperation({ summary: 'List review tasks', description: 'To-do tasks by priority then due time; overdue=true most overdue first; status=completed newest first. Unknown parameters are refused.' })
  @ApiValidatedQuery(ListTasksQuery)
  @ApiResponse({ status: 200, type: TaskPageDto })
  list(@Query() query: unknown, @Req() req: AuthenticatedRequest): Promise<TaskPage> {
    return this.listing.list(validRequest(ListTasksQuery, query, 'query'), req.caller?.id);
  }

  @Get(':taskId')
  @RequiresScope('reviews:read')
  @ApiOperation({ summary: 'One review task' })
  @ApiValidatedPath(TaskIdParam)
  @ApiResponse({ status: 200, type: TaskViewDto })
  @ApiError(404, NOT_FOUND)
  get(@Param() params: unknown, @Req() req: AuthenticatedRequest): Promise<TaskView> {
    return this.tasks.get(validRequest(TaskIdParam, params, 'path').taskId, req.caller?.id);
  }

  @Post(':taskId/claim')
  @HttpCode(200)
  @RequiresScope('reviews:write')
  @ApiOperation({ summary: 'Claim a task (a lease; the holder claiming again renews it)' })
  @ApiValidatedPath(TaskIdParam)
  @ApiResponse({ status: 200, type: TaskViewDto })
  @ApiError(404, NOT_FOUND)
  @ApiError(409, 'Claimed by another reviewer (claimed_by_other) or already completed (already_completed); the task as it is now.', TaskConflictDto)
  claim(@Param() params: unknown, @Req() req: AuthenticatedRequest): Promise<TaskView> {
    return this.tasks.claim(validRequest(TaskIdParam, params, 'path').taskId, reviewer(req));
  }

  /** 200 once reviews.completed.v1 is acknowledged; 202 when the verdict is recorded and its event waits in the outbox. */
  @Post(':taskId/complete')
  @RequiresScope('reviews:write')
  @ApiOperation({ summary: 'Record your verdict on a task you hold' })
  @ApiValidatedPath(TaskIdParam)
  @ApiValidatedBody(CompleteTaskRequest)
  @ApiResponse({ status: 200, type: TaskViewDto, description: 'Recorded, and reviews.completed.v1 acknowledged by Kafka.' })
  @ApiResponse({ status: 202, type: TaskViewDto, description: 'Recorded; its reviews.completed.v1 waits in the outbox.' })
  @ApiError(404, NOT_FOUND)
  @ApiError(409, 'Not recorded: lease_expired, claimed_by_other, not_claimed or already_completed; the task as it is now.', TaskConflictDto)
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
