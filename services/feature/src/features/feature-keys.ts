import { hash } from 'node:crypto';

/**
 * Names of the Redis keys of one feature-set version. Customer ids and serial numbers are
 * personal data, so keys carry a hash of them instead: Redis key listings, slow logs and
 * metrics never show them. Each name ends in what its value is (computed, history, seen,
 * amount-moments): a store written by an earlier layout (sorted sets, counts, hashes) is then
 * never misread, its keys are just not found.
 */
export class FeatureKeys {
  private readonly prefix: string;

  constructor(featureSetVersion: string) {
    this.prefix = `features:${featureSetVersion}`;
  }

  /** The stored features computed for one input event, kept to answer its replays. */
  eventFeatures(eventId: string): string {
    return `${this.prefix}:event:${eventId}:computed`;
  }

  /** The customer's recent claims (event time, amount) and how many they ever filed (within the history TTL). */
  customerHistory(customerId: string): string {
    return `${this.prefix}:customer:${pseudonym(customerId)}:history`;
  }

  /** Marks that some claim, by anyone, named this serial number. */
  serialSeen(serialNumber: string): string {
    return `${this.prefix}:serial:${pseudonym(normalizeSerial(serialNumber))}:seen`;
  }

  /** Running count, mean and M2 (Welford) of the claimed amounts of a product. */
  productAmountMoments(product: string): string {
    return `${this.prefix}:product:${product}:amount-moments`;
  }
}

/** Serial numbers are typed by people: "sn-1 " and "SN-1" are the same device. */
function normalizeSerial(serialNumber: string): string {
  return serialNumber.trim().toUpperCase();
}

function pseudonym(value: string): string {
  return hash('sha256', value, 'hex').slice(0, 32);
}
