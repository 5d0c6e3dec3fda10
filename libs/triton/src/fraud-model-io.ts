import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One column of the fraud models' input, as infra/models/feature-order.json lists it. */
export interface FeatureColumn {
  /** A field of the Features record or of the claim (amountMinor). */
  name: string;
  from: 'claim' | 'features';
  /** Sent as 1 for true and 0 for false. */
  boolean?: boolean;
}

export interface TensorSpec {
  name: string;
  datatype: string;
}

/** The tensors of fraud_teacher and fraud_student and the order of the input's columns. */
export interface FraudModelIo {
  input: TensorSpec;
  output: TensorSpec;
  features: FeatureColumn[];
}

/** Written once, for the trainer and the gateway alike. */
const FEATURE_ORDER_FILE = join(__dirname, '..', '..', '..', 'infra', 'models', 'feature-order.json');

let cached: FraudModelIo | undefined;

export function fraudModelIo(): FraudModelIo {
  cached ??= JSON.parse(readFileSync(FEATURE_ORDER_FILE, 'utf8')) as FraudModelIo;
  return cached;
}

/** What the fraud models' input is read from: a claim as submitted and its features (ClaimEnriched and ClaimScored both carry them). */
export interface FraudModelSource {
  claim: object;
  features: object;
}

/**
 * A claim's model input, one value per column in feature-order.json's order (booleans as 1/0):
 * the row the gateway sends to Triton and the rows the rollout controller measures drift on,
 * built in one place so the two cannot disagree on what the model saw.
 */
export function fraudModelInput(source: FraudModelSource): number[] {
  return fraudModelIo().features.map((column) => Number((source[column.from] as Record<string, unknown>)[column.name]));
}
