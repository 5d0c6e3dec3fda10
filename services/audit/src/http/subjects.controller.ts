import { Controller, Delete, Param, Req } from '@nestjs/common';
import { AuthenticatedRequest, RequiresScope } from '@claims-mesh/platform';
import { ErasureReceipt, SubjectErasure } from '../erasure/subject-erasure';
import { SCOPES } from './scopes';

@Controller('v1/subjects')
@RequiresScope(SCOPES.erase)
export class SubjectsController {
  constructor(private readonly erasure: SubjectErasure) {}

  /** Erases a customer's personal data from the index (all their claims, and any indexed later). */
  @Delete(':customerId')
  erase(@Param('customerId') customerId: string, @Req() req: AuthenticatedRequest): Promise<ErasureReceipt> {
    return this.erasure.erase(customerId, req.caller?.id ?? 'unknown');
  }
}
