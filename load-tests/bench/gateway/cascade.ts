import type { ClaimScored } from '@claims-mesh/contracts';
import { isUncertain } from '@claims-mesh/inference-gateway';
import { enrichedFromRow } from './claim-rows';
import { GatewayParts } from './gateway-parts';

export interface CascadeFigures {
  claims: number;
  band: [number, number];
  /** Claims the cascade sent on to the teacher. */
  teacherShare: number;
  /** Claims whose student-only score falls in the band: what the teacher share should be. */
  studentInBandShare: number;
  /** Decisions (probability >= threshold) equal to the teacher-only decision. */
  agreementWithTeacher: number;
  studentOnlyAgreementWithTeacher: number;
  threshold: number;
  flaggedShare: { teacherOnly: number; studentOnly: number; cascade: number };
  seconds: number;
  claimsPerSecond: number;
}

const THRESHOLD = 0.5;
/** Claims per ClaimScorer.score call and calls at once: as the service gets them from six partitions. */
const CHUNK = 500;
const CHUNKS_AT_ONCE = 6;

/**
 * Every claim scored by the student alone and by the teacher alone (batches of the models'
 * max_batch_size), then by the service's own ClaimScorer (the cascade), in Kafka-batch-sized
 * chunks as its handler calls it.
 */
export async function measureCascade(parts: GatewayParts, rows: Float32Array[]): Promise<CascadeFigures> {
  const { config } = parts;
  const student = await parts.scoreAll(config.STUDENT_MODEL, rows, config.MAX_BATCH_SIZE);
  const teacher = await parts.scoreAll(config.TEACHER_MODEL, rows, config.MAX_BATCH_SIZE);
  const claims = rows.map(enrichedFromRow);
  const scorer = parts.claimScorer();
  const routing = parts.routing();
  const scored: ClaimScored[] = new Array(claims.length);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let start = next; start < claims.length; start = next) {
      next += CHUNK;
      const out = await scorer.score(claims.slice(start, start + CHUNK), routing);
      out.forEach((s, i) => (scored[start + i] = s));
    }
  };
  await Promise.all(Array.from({ length: CHUNKS_AT_ONCE }, worker));
  const seconds = (performance.now() - started) / 1000;

  const n = claims.length;
  const share = (test: (i: number) => boolean) => {
    let hits = 0;
    for (let i = 0; i < n; i++) if (test(i)) hits++;
    return hits / n;
  };
  const flags = (p: number) => p >= THRESHOLD;
  return {
    claims: n,
    band: [routing.band.low, routing.band.high],
    teacherShare: share((i) => scored[i].route === 'TEACHER'),
    studentInBandShare: share((i) => isUncertain(routing.band, student[i])),
    agreementWithTeacher: share((i) => flags(scored[i].fraudProbability) === flags(teacher[i])),
    studentOnlyAgreementWithTeacher: share((i) => flags(student[i]) === flags(teacher[i])),
    threshold: THRESHOLD,
    flaggedShare: {
      teacherOnly: share((i) => flags(teacher[i])),
      studentOnly: share((i) => flags(student[i])),
      cascade: share((i) => flags(scored[i].fraudProbability)),
    },
    seconds,
    claimsPerSecond: n / seconds,
  };
}
