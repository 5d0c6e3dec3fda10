/**
 * Names of the Redis keys of one feature-set version. Customer ids and serial numbers are
 * personal data, so keys carry their keyed pseudonyms instead (HMAC under the deployment's
 * pseudonym secret, see PersonalData): Redis key listings, slow logs and metrics never show
 * them, and nobody can recompute a customer's key from a customer id without the secret. Each name ends in what its value is (computed, history, seen,
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

  /** The customer's recent claims (event time, amount) and how many they ever filed (within the history TTL), by the customer's pseudonym. */
  customerHistory(subjectRef: string): string {
    return `${this.prefix}:customer:${subjectRef}:history`;
  }

  /** Marks that some claim, by anyone, named this serial number, by the serial's pseudonym (see normalizeSerial). */
  serialSeen(serialRef: string): string {
    return `${this.prefix}:serial:${serialRef}:seen`;
  }

  /** Progress of the erasures through the customers' histories, for every feature-set version (see ErasedSubjects). */
  static erasures(): string {
    return 'features:erasures:feature-history';
  }

  /** A SCAN pattern matching the subject's history under every feature-set version. */
  static customerHistoryOfEveryVersion(subjectRef: string): string {
    return `features:*:customer:${subjectRef}:history`;
  }

  /** Running count, mean and M2 (Welford) of the claimed amounts of a product. */
  productAmountMoments(product: string): string {
    return `${this.prefix}:product:${product}:amount-moments`;
  }
}

/** Serial numbers are typed by people: "sn-1 " and "SN-1" are the same device. */
export function normalizeSerial(serialNumber: string): string {
  return serialNumber.trim().toUpperCase();
}
