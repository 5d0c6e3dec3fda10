import { Channel, ClaimSubmitted } from '@claims-mesh/contracts';
import { sampleClaim } from '@claims-mesh/testing';
import { syntheticClaims } from '../../demo/synthetic-claims';

const DAY_MS = 86_400_000;

/**
 * A source of ClaimSubmitted records with the demo's variety (many customers of whom some
 * claim repeatedly, a few repeated serial numbers, skewed amounts, mixed products), as
 * ingest would publish them. Customers are fresh per call, so the feature windows start
 * empty; after `count` claims it starts over with the same customers.
 */
export function variedClaims(count: number, seed: number): () => ClaimSubmitted {
  const requests = syntheticClaims(count, seed);
  let next = 0;
  return () => {
    const request = requests[next++ % requests.length];
    return sampleClaim({
      customerId: String(request.customerId),
      customerEmail: String(request.customerEmail),
      policyId: String(request.policyId),
      policyStartDate: Math.floor(Date.parse(`${request.policyStartDate}T00:00:00Z`) / DAY_MS),
      product: String(request.product),
      amountMinor: Number(request.amountMinor),
      currency: String(request.currency),
      channel: request.channel as Channel,
      description: String(request.description),
      mediaCount: Number(request.mediaCount),
      serialNumber: String(request.serialNumber),
      region: String(request.region),
      submittedBy: 'bench-feature-hop',
    });
  };
}
