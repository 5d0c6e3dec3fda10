import { Controller, Get, NotFoundException, Param, Req } from '@nestjs/common';
import { AuthenticatedRequest, RequiresScope } from '@claims-mesh/platform';
import { LineageReader } from '../lineage/lineage-reader';
import { LineageView } from '../lineage/lineage-view';
import { mayReadPii, SCOPES } from './scopes';

@Controller('v1/lineage')
@RequiresScope(SCOPES.read)
export class LineageController {
  constructor(private readonly reader: LineageReader) {}

  /** Every step of a claim in order, with provenance and end-to-end latency; personal fields masked without audit:pii. */
  @Get(':claimId')
  async lineage(@Param('claimId') claimId: string, @Req() req: AuthenticatedRequest): Promise<LineageView> {
    const view = await this.reader.read(claimId, mayReadPii(req));
    if (!view)
      throw new NotFoundException({ error: 'not_found', message: `no lineage for claim ${claimId}` });
    return view;
  }
}
