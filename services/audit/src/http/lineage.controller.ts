import { Controller, Get, NotFoundException, Param, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiError, AuthenticatedRequest, RequiresScope } from '@claims-mesh/platform';
import { LineageViewDto } from './audit-responses.dto';
import { LineageReader } from '../lineage/lineage-reader';
import { LineageView } from '../lineage/lineage-view';
import { mayReadPii, SCOPES } from './scopes';

@ApiTags('lineage')
@Controller('v1/lineage')
@RequiresScope(SCOPES.read)
export class LineageController {
  constructor(private readonly reader: LineageReader) {}

  /** Every step of a claim in order, with provenance and end-to-end latency; personal fields masked without audit:pii. */
  @Get(':claimId')
  @ApiOperation({ summary: 'A claim\'s lineage', description: 'Personal fields are masked unless the key also has audit:pii.' })
  @ApiParam({ name: 'claimId', schema: { type: 'string' } })
  @ApiResponse({ status: 200, type: LineageViewDto })
  @ApiError(404, 'The index knows nothing of the claim.')
  async lineage(@Param('claimId') claimId: string, @Req() req: AuthenticatedRequest): Promise<LineageView> {
    const view = await this.reader.read(claimId, mayReadPii(req));
    if (!view)
      throw new NotFoundException({ error: 'not_found', message: `no lineage for claim ${claimId}` });
    return view;
  }
}
