import { Controller, Delete, Get, HttpCode, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiError, AuthenticatedRequest, RequiresScope } from '@claims-mesh/platform';
import type { Response } from 'express';
import { ErasureStatusDto } from './audit-responses.dto';
import { ErasureRequests } from '../erasure/erasure-requests';
import { ErasureView } from '../erasure/erasure-view';
import { SCOPES } from './scopes';

function statusPath(customerId: string): string {
  return `/v1/subjects/${encodeURIComponent(customerId)}/erasure`;
}

@ApiTags('subjects')
@Controller('v1/subjects')
@RequiresScope(SCOPES.erase)
export class SubjectsController {
  constructor(private readonly erasures: ErasureRequests) {}

  /** Asks every store of the mesh to erase a customer's personal data; the status says when they have. */
  @Delete(':customerId')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Erase a customer\'s personal data from every store of the mesh',
    description:
      'Publishes the erasure on subjects.erasure.v1; every service that keeps personal data applies it to its stores and reports it. ' +
      'Asking twice is the same erasure (the first request\'s time and author). Follow Location for the status.',
  })
  @ApiParam({ name: 'customerId', schema: { type: 'string' } })
  @ApiResponse({
    status: 202,
    type: ErasureStatusDto,
    description: 'The erasure is requested; its status as it stands.',
    headers: { Location: { description: 'The erasure\'s status, GET /v1/subjects/{customerId}/erasure.', schema: { type: 'string' } } },
  })
  async erase(@Param('customerId') customerId: string, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<ErasureView> {
    const view = await this.erasures.request(customerId, req.caller?.id ?? 'unknown');
    res.setHeader('Location', statusPath(customerId));
    return view;
  }

  /** Which stores have applied the customer's erasure. */
  @Get(':customerId/erasure')
  @ApiOperation({ summary: 'The status of a customer\'s erasure', description: 'Each store the erasure waits for, done or pending; complete once all are done.' })
  @ApiParam({ name: 'customerId', schema: { type: 'string' } })
  @ApiResponse({ status: 200, type: ErasureStatusDto })
  @ApiError(404, 'No erasure of the customer was requested.')
  async status(@Param('customerId') customerId: string): Promise<ErasureView> {
    const view = await this.erasures.status(customerId);
    if (!view) throw new NotFoundException({ error: 'not_found', message: 'no erasure was requested for this customer' });
    return view;
  }
}
