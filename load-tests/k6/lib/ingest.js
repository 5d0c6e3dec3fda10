import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import { batchBodies } from './claims.js';
import { config } from './config.js';

const accepted = http.expectedStatuses(202);

/** POST /v1/claims/batch; the answer, tagged `endpoint:ingest` for the thresholds. */
export function postClaims(body) {
  return http.post(`${config.ingestUrl}/v1/claims/batch`, body, {
    headers: { 'content-type': 'application/json', 'x-api-key': config.ingestApiKey },
    tags: { endpoint: 'ingest' },
    responseCallback: accepted,
  });
}

/** One iteration of a load scenario: the next shared batch body. */
export function submitBatch() {
  const body = batchBodies[exec.scenario.iterationInTest % batchBodies.length];
  const res = postClaims(body);
  check(res, { 'ingest accepted the batch (202)': (r) => r.status === 202 });
}
