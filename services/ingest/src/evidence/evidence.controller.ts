import { Body, Controller, ConflictException, HttpCode, NotFoundException, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { ClaimEvidence, Topic } from '@claims-mesh/contracts';
import { KafkaPublisher } from '@claims-mesh/kafka';
import { ApiError, ApiValidatedBody, ApiValidatedPath, AuthenticatedRequest, badRequest, RequiresScope, validateAs } from '@claims-mesh/platform';
import { ClaimIdPath } from '../status/claim-status.controller';
import { StatusStore } from '../status/status.store';
import { claimStatusOf } from '../status/status-view';
import { EvidenceAcceptedDto, EvidenceRequestDto } from './evidence-request.dto';

const EVIDENCE: Topic = 'claims.evidence.v1';
const NOT_FOUND = 'No claim with this id was submitted by the calling client (another client\'s claim answers the same), or its status has expired.';
const NOT_WAITING = 'The claim waits for no evidence: no REQUEST_INFO decision is open on it (none was made, or it was answered, or its deadline passed).';

/**
 * Evidence for a claim that waits for it (its latest decision a REQUEST_INFO that is not
 * final): written to claims.evidence.v1, from which the decision service sends the claim round
 * again. Only the client that submitted the claim may answer; any other gets 404, as for an
 * unknown claim. The claim's status view (kept from the topics) says whether it waits.
 */
@ApiTags('claims')
@Controller('v1/claims')
export class EvidenceController {
  constructor(
    private readonly store: StatusStore,
    private readonly publisher: KafkaPublisher,
  ) {}

  @Post(':claimId/evidence')
  @HttpCode(202)
  @RequiresScope('claims:write')
  @ApiOperation({ summary: 'Answer a request for information: more media, a description, a serial number' })
  @ApiValidatedPath(ClaimIdPath)
  @ApiValidatedBody(EvidenceRequestDto)
  @ApiResponse({ status: 202, type: EvidenceAcceptedDto, description: 'Written to Kafka (acks=all); the claim is scored and decided again.' })
  @ApiError(404, NOT_FOUND)
  @ApiError(409, NOT_WAITING)
  async submit(@Param() params: unknown, @Body() body: unknown, @Req() req: AuthenticatedRequest): Promise<EvidenceAcceptedDto> {
    const path = validateAs(ClaimIdPath, params, '(path)');
    if (!path.ok) throw badRequest(path.problems);
    const evidence = validateAs(EvidenceRequestDto, body);
    if (!evidence.ok) throw badRequest(evidence.problems);
    const { claimId } = path.value;
    const parts = await this.store.get(claimId);
    const caller = req.caller?.id;
    const status = parts?.owner !== undefined && parts.owner === caller ? claimStatusOf(claimId, parts) : undefined;
    if (!status || caller === undefined) throw new NotFoundException({ error: 'not_found', message: `no claim ${claimId} of this client` });
    if (status.waitingFor !== 'EVIDENCE') {
      throw new ConflictException({ error: 'not_waiting_for_evidence', message: `claim ${claimId} waits for no evidence` });
    }
    const { eventId, mediaCount, description, serialNumber } = evidence.value;
    const record: ClaimEvidence = {
      eventId: eventId ?? randomUUID(),
      claimId,
      mediaCount: mediaCount ?? null,
      description: description ?? null,
      serialNumber: serialNumber ?? null,
      subjectRef: parts?.submitted?.subjectRef ?? null,
      submittedBy: caller,
      timestamps: { submittedAt: Date.now(), enrichedAt: null, scoredAt: null, decidedAt: null, reviewedAt: null },
    };
    await this.publisher.publish(EVIDENCE, [{ key: claimId, value: record }]);
    return { claimId, eventId: record.eventId };
  }
}
