import { Injectable } from '@nestjs/common';
import type { Features } from '@claims-mesh/contracts';
import { Gauge, Registry } from 'prom-client';
import { FeatureConfig } from '../config';
import { FeatureDrift } from './feature-drift';

type NumericFeature = { [K in keyof Features]: Features[K] extends number ? K : never }[keyof Features];

/** The features watched for drift: every numeric one (the booleans carry too little to bin). */
export const NUMERIC_FEATURES: readonly NumericFeature[] = [
  'customerClaimCount1h',
  'customerClaimCount24h',
  'customerClaimCount30d',
  'customerAmount1hMinor',
  'customerAmount24hMinor',
  'customerAmount30dMinor',
  'amountZScore',
  'daysSincePolicyStart',
  'descriptionLength',
  'mediaCount',
];

/**
 * Watches the distribution of each numeric feature in this process's memory and exports
 * its PSI as `feature_drift_psi{feature}`. PSI is computed when Prometheus scrapes, not per
 * claim; a feature has no series until its reference and rolling windows are both full.
 */
@Injectable()
export class DriftMonitor {
  private readonly drifts = new Map<NumericFeature, FeatureDrift>();

  constructor(registry: Registry, config: FeatureConfig) {
    for (const feature of NUMERIC_FEATURES) {
      this.drifts.set(feature, new FeatureDrift(config.DRIFT_WINDOW_SIZE, config.DRIFT_BINS));
    }
    const drifts = this.drifts;
    new Gauge({
      name: 'feature_drift_psi',
      help: 'Population Stability Index of the recent values of a feature against its reference window',
      labelNames: ['feature'],
      registers: [registry],
      collect() {
        for (const [feature, drift] of drifts) {
          const value = drift.psi();
          if (value !== undefined) this.set({ feature }, value);
        }
      },
    });
  }

  observe(features: Features): void {
    for (const [feature, drift] of this.drifts) drift.observe(features[feature]);
  }
}
