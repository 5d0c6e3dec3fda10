import { Body, Controller, Headers, HttpCode, HttpException, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiShedsLoad, ApiValidatedBody, AuthenticatedRequest, badRequest, RequiresScope } from '@claims-mesh/platform';
import type { Response } from 'express';
import { BackpressureService } from '../backpressure/backpressure.service';
import { IngestConfig } from '../config';
import { ClaimIds } from './claim-factory';
import { ClaimIntakeService } from './claim-intake.service';
import { ClaimAcceptedDto, ClaimBatchAcceptedDto, ClaimBatchRequestDto, ClaimRequestDto } from './claim-request.dto';
import { validateClaim, validateClaimBatch } from './claim-validation';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/** The Idempotency-Key header as checkedKey checks it. */
const ApiIdempotencyKey = (description: string) =>
  ApiHeader({ name: 'Idempotency-Key', required: false, description, schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source } });
const IN_PROGRESS = 'A submission with the same idempotency key is still being processed; retry shortly.';

@ApiTags('claims')
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
  @ApiOperation({ summary: 'Submit one claim' })
  @ApiValidatedBody(ClaimRequestDto)
  @ApiIdempotencyKey('Resubmissions with the same key return the first answer (so do those with the same eventId).')
  @ApiResponse({ status: 202, type: ClaimAcceptedDto, description: 'Written to Kafka (acks=all), or answered from the first submission with the same key.' })
  @ApiError(409, IN_PROGRESS)
  @ApiShedsLoad()
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
  @ApiOperation({ summary: 'Submit a batch of claims, all or none' })
  @ApiValidatedBody(ClaimBatchRequestDto)
  @ApiIdempotencyKey('Claim i of the batch is keyed `<key>:<i>`; resubmissions return the first answers.')
  @ApiResponse({ status: 202, type: ClaimBatchAcceptedDto, description: 'All claims written to Kafka, ids in request order.' })
  @ApiError(409, IN_PROGRESS)
  @ApiShedsLoad()
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
