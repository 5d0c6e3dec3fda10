import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ActionSymbols } from '@claims-mesh/contracts';
import { badRequest, RequiresScope } from '@claims-mesh/platform';
import { AuditConfig } from '../config';
import { DecidedClaim, DecidedClaims } from '../decisions/decided-claims';
import { DecidedClaimsPageDto } from './audit-responses.dto';
import { EPOCH_MS, ISO_8601, parseClaimsQuery } from './claims-query';
import { encodeCursor } from './list-cursor';
import { SCOPES } from './scopes';

/** `from`/`to` as parseClaimsQuery reads them (a real calendar day is checked too). */
const TIME: SchemaObject = {
  type: 'string',
  anyOf: [{ pattern: ISO_8601.source }, { pattern: EPOCH_MS.source }],
  example: '2025-03-01T10:00:00Z',
};

@ApiTags('claims')
@Controller('v1/claims')
@RequiresScope(SCOPES.read)
export class DecidedClaimsController {
  constructor(
    private readonly decided: DecidedClaims,
    private readonly config: AuditConfig,
  ) {}

  /**
   * Finally decided claims, oldest decision first, filtered by action and decision time
   * (`from` inclusive, `to` exclusive). `nextCursor` fetches the next page; null on the last.
   */
  @Get()
  @ApiOperation({
    summary: 'Finally decided claims, oldest decision first',
    description: 'Each parameter at most once; unknown parameters are refused (400 invalid_query naming them); `to` must not be before `from`.',
  })
  @ApiQuery({ name: 'action', required: false, schema: { type: 'string', enum: [...ActionSymbols] } })
  @ApiQuery({ name: 'from', required: false, schema: TIME, description: 'decidedAt >= from: ISO 8601 date, or date-time with a zone, or epoch milliseconds.' })
  @ApiQuery({ name: 'to', required: false, schema: TIME, description: 'decidedAt < to, as `from`.' })
  // maximum: MAX_PAGE_SIZE, set in main.ts from the config parseClaimsQuery is given.
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1 }, description: 'Page size, at most MAX_PAGE_SIZE; DEFAULT_PAGE_SIZE without it.' })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string', minLength: 1 }, description: 'nextCursor of the page before; anything else is refused.' })
  @ApiResponse({ status: 200, type: DecidedClaimsPageDto })
  async list(
    @Query() query: Record<string, unknown>,
  ): Promise<{ claims: DecidedClaim[]; nextCursor: string | null }> {
    const parsed = parseClaimsQuery(query, {
      defaultLimit: this.config.DEFAULT_PAGE_SIZE,
      maxLimit: this.config.MAX_PAGE_SIZE,
    });
    if (!parsed.ok) throw badRequest(parsed.problems, 'invalid_query');
    const page = await this.decided.list(parsed.value);
    return { claims: page.claims, nextCursor: page.next ? encodeCursor(page.next) : null };
  }
}
