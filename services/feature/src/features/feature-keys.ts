import { createHash } from 'node:crypto';

/**
 * Names of the Redis keys of one feature-set version. Customer ids and serial numbers are
 * personal data, so keys carry a hash of them instead: Redis key listings, slow logs and
 * metrics never show them.
 */
export class FeatureKeys {
  private readonly prefix: string;

  constructor(featureSetVersion: string) {
    this.prefix = `features:${featureSetVersion}`;
  }

  /** The features computed for one input event, kept to answer its replays. */
  event(eventId: string): string {
    return `${this.prefix}:event:${eventId}`;
  }

  /**
   * The customer's keys: `claims`, a sorted set of their recent claims (score = submittedAt,
   * member = "eventId:amountMinor"), and `count`, how many claims they ever filed (within the
   * history TTL). Together, so the customer id is hashed once per claim.
   */
  customer(customerId: string): { claims: string; count: string } {
    const customer = `${this.prefix}:customer:${pseudonym(customerId)}`;
    return { claims: `${customer}:claims`, count: `${customer}:count` };
  }

  /** How many claims named this serial number, by anyone. */
  serialClaimCount(serialNumber: string): string {
    return `${this.prefix}:serial:${pseudonym(normalizeSerial(serialNumber))}:count`;
  }

  /** Running count, mean and M2 (Welford) of the claimed amounts of a product. */
  productAmountStats(product: string): string {
    return `${this.prefix}:product:${product}:amount-stats`;
  }
}

/** Serial numbers are typed by people: "sn-1 " and "SN-1" are the same device. */
function normalizeSerial(serialNumber: string): string {
  return serialNumber.trim().toUpperCase();
}

function pseudonym(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}
