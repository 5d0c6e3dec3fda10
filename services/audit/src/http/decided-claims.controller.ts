import { Controller, Get, Query } from '@nestjs/common';
import { badRequest, RequiresScope } from '@claims-mesh/platform';
import { AuditConfig } from '../config';
import { DecidedClaim, DecidedClaims } from '../decisions/decided-claims';
import { parseClaimsQuery } from './claims-query';
import { encodeCursor } from './list-cursor';
import { SCOPES } from './scopes';

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
