import type { OnModuleInit } from '@nestjs/common';
import type { ErasureRequest } from '@claims-mesh/contracts';
import type { ErasedSubjects } from './erased-subjects';
import type { ErasableStore, SubjectErasures } from './subject-erasures';

/**
 * A store of a service that takes part in erasures: it joins SubjectErasures as its module
 * starts, before the requests are read. A subclass names the store, says where its erased
 * subjects are marked, and erases.
 */
export abstract class ErasureParticipant implements ErasableStore, OnModuleInit {
  protected constructor(
    readonly name: string,
    readonly erased: ErasedSubjects,
    private readonly erasures: SubjectErasures,
  ) {}

  onModuleInit(): void {
    this.erasures.register(this);
  }

  abstract erase(request: ErasureRequest): Promise<Record<string, number>>;
}
