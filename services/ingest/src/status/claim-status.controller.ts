import { Controller, Get, NotFoundException, Param, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiValidatedPath, AuthenticatedRequest, badRequest, RequiresScope, validateAs } from '@claims-mesh/platform';
import { IsUUID } from 'class-validator';
import { ClaimStatusDto, claimStatusDto } from './claim-status.dto';
import { StatusStore } from './status.store';
import { claimStatusOf } from './status-view';

/** The path of GET /v1/claims/{claimId}, validated as written here. */
export class ClaimIdPath {
  @IsUUID()
  claimId!: string;
}

const NOT_FOUND = 'No claim with this id was submitted by the calling client (another client\'s claim answers the same), or its status has expired.';

/**
 * Where a claim stands, for the client that submitted it. A claim of another client answers
 * exactly as one that does not exist (404), so claim ids do not leak between clients.
 */
@ApiTags('claims')
@Controller('v1/claims')
export class ClaimStatusController {
  constructor(private readonly store: StatusStore) {}

  @Get(':claimId')
  @RequiresScope('claims:read')
  @ApiOperation({ summary: 'Where a claim stands: stage, latest decision with its versions, what it waits for' })
  @ApiValidatedPath(ClaimIdPath)
  @ApiResponse({ status: 200, type: ClaimStatusDto, description: 'The claim\'s status view (no personal data).' })
  @ApiError(404, NOT_FOUND)
  async status(@Param() params: unknown, @Req() req: AuthenticatedRequest): Promise<ClaimStatusDto> {
    const path = validateAs(ClaimIdPath, params, '(path)');
    if (!path.ok) throw badRequest(path.problems);
    const { claimId } = path.value;
    const parts = await this.store.get(claimId);
    const status = parts?.owner !== undefined && parts.owner === req.caller?.id ? claimStatusOf(claimId, parts) : undefined;
    if (!status) throw new NotFoundException({ error: 'not_found', message: `no claim ${claimId} of this client` });
    return claimStatusDto(status);
  }
}
