import { Module } from '@nestjs/common';
import { PlatformModule, SubjectErasuresModule } from '@claims-mesh/platform';
import { AuditConfig } from './config';
import { AuditedRecordsController } from './consumer/audited-records.controller';
import { LineageRecorder } from './consumer/lineage-recorder';
import { StageRecordDecoder } from './consumer/stage-record-decoder';
import { DecidedClaims } from './decisions/decided-claims';
import { ErasureRequests } from './erasure/erasure-requests';
import { SubjectErasure } from './erasure/subject-erasure';
import { SubjectKeysErasure } from './erasure/subject-keys-erasure';
import { DecidedClaimsController } from './http/decided-claims.controller';
import { LineageController } from './http/lineage.controller';
import { SubjectsController } from './http/subjects.controller';
import { LineageKeys } from './lineage/lineage-keys';
import { LineageReader } from './lineage/lineage-reader';
import { LineageWriter } from './lineage/lineage-writer';
import { AuditMetrics } from './metrics/audit-metrics';
import { SERVICE } from './service';

@Module({
  imports: [PlatformModule.forService(SERVICE), SubjectErasuresModule],
  controllers: [AuditedRecordsController, LineageController, DecidedClaimsController, SubjectsController],
  providers: [
    {
      provide: LineageKeys,
      inject: [AuditConfig],
      useFactory: (config: AuditConfig) => new LineageKeys(config.AUDIT_KEY_PREFIX),
    },
    AuditMetrics,
    LineageWriter,
    LineageReader,
    StageRecordDecoder,
    LineageRecorder,
    DecidedClaims,
    SubjectKeysErasure,
    SubjectErasure,
    ErasureRequests,
  ],
})
export class AuditModule {}
