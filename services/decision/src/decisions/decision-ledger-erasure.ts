import { Injectable } from '@nestjs/common';
import type { ErasureRequest } from '@claims-mesh/contracts';
import { ErasureParticipant, SubjectErasures } from '@claims-mesh/platform';
import { DecisionLedger } from './decision-ledger';

/**
 * The decision ledger (the store decision-ledger of an erasure request): the customer's entries
 * keep their decisions, for idempotency and for their reviews' verdicts, without the claim's
 * personal data. The evidence requests beside them hold ids, deadlines and states only.
 */
@Injectable()
export class DecisionLedgerErasure extends ErasureParticipant {
  constructor(
    private readonly ledger: DecisionLedger,
    erasures: SubjectErasures,
  ) {
    super('decision-ledger', ledger.erased, erasures);
  }

  async erase({ subjectRef }: ErasureRequest): Promise<Record<string, number>> {
    let decisions = 0;
    for (const actionId of await this.ledger.actionsOf(subjectRef)) {
      if (await this.ledger.redact(actionId)) decisions++;
    }
    return { decisions };
  }
}
