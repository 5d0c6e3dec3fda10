import { Body, Controller, Headers, HttpCode, HttpException, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AuthenticatedRequest, badRequest, RequiresScope } from '@claims-mesh/platform';
import type { Response } from 'express';
import { BackpressureService } from '../backpressure/backpressure.service';
import { IngestConfig } from '../config';
import { ClaimIds } from './claim-factory';
import { ClaimIntakeService } from './claim-intake.service';
import { ClaimAcceptedDto, ClaimBatchRequestDto, ClaimRequestDto } from './claim-request.dto';
import { validateClaim, validateClaimBatch } from './claim-validation';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

@ApiTags('claims')
@ApiSecurity('api-key')
@Controller('v1/claims')
@RequiresScope('claims:write')
export class ClaimsController {
  constructor(
    private readonly intake: ClaimIntakeService,
    private readonly backpressure: BackpressureService,
    private readonly config: IngestConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiBody({ type: ClaimRequestDto })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Resubmissions with the same key return the first answer.' })
  @ApiResponse({ status: 202, type: ClaimAcceptedDto, description: 'Written to Kafka (acks=all).' })
  @ApiResponse({ status: 400, description: 'Invalid claim: each bad field is listed.' })
  @ApiResponse({ status: 429, description: 'Shedding load; retry after the Retry-After seconds.' })
  async submitOne(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ClaimIds> {
    const claim = validateClaim(body);
    if (!claim.ok) throw badRequest(claim.problems);
    this.refuseIfOverloaded(1, res);
    const [ids] = await this.intake.submit([claim.value], checkedKey(idempotencyKey), submitter(req));
    return ids;
  }

  @Post('batch')
  @HttpCode(202)
  @ApiBody({ type: ClaimBatchRequestDto })
  @ApiResponse({ status: 202, type: [ClaimAcceptedDto], description: 'All claims written to Kafka, ids in request order.' })
  @ApiResponse({ status: 400, description: 'At least one invalid claim; nothing was accepted.' })
  async submitBatch(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ claims: ClaimIds[] }> {
    const batch = validateClaimBatch(body, this.config.MAX_BATCH_SIZE);
    if (!batch.ok) throw badRequest(batch.problems);
    this.refuseIfOverloaded(batch.value.claims.length, res);
    return { claims: await this.intake.submit(batch.value.claims, checkedKey(idempotencyKey), submitter(req)) };
  }

  private refuseIfOverloaded(records: number, res: Response): void {
    const verdict = this.backpressure.verdict(records);
    if (!verdict) return;
    res.setHeader('Retry-After', String(this.config.RETRY_AFTER_SECONDS));
    throw new HttpException({ error: 'too_many_requests', reason: verdict.reason, message: verdict.detail }, 429);
  }
}

function checkedKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw badRequest([{ field: 'Idempotency-Key', problem: 'must be 1-128 printable ASCII characters' }]);
  }
  return key;
}

function submitter(req: AuthenticatedRequest): string {
  return req.caller?.id ?? 'ingest';
}
