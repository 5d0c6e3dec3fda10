import { Controller, Delete, Param, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthenticatedRequest, RequiresScope } from '@claims-mesh/platform';
import { ErasureReceiptDto } from './audit-responses.dto';
import { ErasureReceipt, SubjectErasure } from '../erasure/subject-erasure';
import { SCOPES } from './scopes';

@ApiTags('subjects')
@Controller('v1/subjects')
@RequiresScope(SCOPES.erase)
export class SubjectsController {
  constructor(private readonly erasure: SubjectErasure) {}

  /** Erases a customer's personal data from the index (all their claims, and any indexed later). */
  @Delete(':customerId')
  @ApiOperation({ summary: 'Erase a customer\'s personal data from the index', description: 'Erasing twice keeps the first erasure\'s time and author.' })
  @ApiParam({ name: 'customerId', schema: { type: 'string' } })
  @ApiResponse({ status: 200, type: ErasureReceiptDto })
  erase(@Param('customerId') customerId: string, @Req() req: AuthenticatedRequest): Promise<ErasureReceipt> {
    return this.erasure.erase(customerId, req.caller?.id ?? 'unknown');
  }
}
