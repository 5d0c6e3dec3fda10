import { modelRollout, rolloutProblems, type ModelRollout, type RolloutStage } from '@claims-mesh/contracts';
import type { GatewayConfig } from '../config';
import { inCanary } from '../scoring/canary-split';

/**
 * How the gateway scores claims: the version of each claim (primary, or the canary's for the
 * canary share), the band the cascade escalates to the teacher, the version of the shadow's
 * cascade. A claim is scored with one Routing from start to end, never a mix of two.
 */
export interface Routing {
  readonly primaryVersion: string;
  readonly canary: Readonly<{ version: string; weight: number }> | null;
  readonly shadowVersion: string | null;
  readonly band: Readonly<{ low: number; high: number }>;
  readonly stage: RolloutStage;
}

/** The routing a rollout record sets (a record rolloutProblems() finds none in). */
export function routingOf(rollout: ModelRollout): Routing {
  return Object.freeze({
    primaryVersion: rollout.primaryVersion,
    canary: rollout.canary && Object.freeze({ version: rollout.canary.version, weight: rollout.canary.weight }),
    shadowVersion: rollout.shadowVersion,
    band: Object.freeze({ low: rollout.uncertainLow, high: rollout.uncertainHigh }),
    stage: rollout.stage,
  });
}

/**
 * The environment's routing as a rollout record of stage BOOTSTRAP, so it is checked by the
 * same rules as the topic's records; an unusable one stops the gateway at start.
 */
export function bootstrapRollout(config: GatewayConfig): ModelRollout {
  const rollout = modelRollout({
    family: config.MODEL_FAMILY,
    primaryVersion: config.MODEL_VERSION,
    canary: config.CANARY_WEIGHT > 0 ? { version: config.CANARY_VERSION, weight: config.CANARY_WEIGHT } : null,
    shadowVersion: config.SHADOW_VERSION || null,
    uncertainLow: config.UNCERTAIN_LOW,
    uncertainHigh: config.UNCERTAIN_HIGH,
    stage: 'BOOTSTRAP',
    candidateVersion: null,
    reason: 'the gateway environment (MODEL_VERSION, CANARY_*, UNCERTAIN_*, SHADOW_VERSION)',
    decidedBy: 'environment',
  });
  const problems = rolloutProblems(rollout);
  if (problems.length) throw new Error(`the bootstrap routing of the environment is unusable: ${problems.join('; ')}`);
  return rollout;
}

/** The version that scores a claim and whether that is the canary's. */
export function versionFor(routing: Routing, claimId: string): { version: string; canary: boolean } {
  const { canary } = routing;
  if (canary && inCanary(claimId, canary.weight)) return { version: canary.version, canary: true };
  return { version: routing.primaryVersion, canary: false };
}

/** Whether the cascade sends a claim with this student probability on to the teacher. */
export function isUncertain(band: Routing['band'], probability: number): boolean {
  return probability >= band.low && probability <= band.high;
}

/** The versions the main path scores with: the primary, and the canary's while it has a share. */
export function mainVersions(routing: Routing): string[] {
  const canary = routing.canary && routing.canary.weight > 0 ? [routing.canary.version] : [];
  return [...new Set([routing.primaryVersion, ...canary])];
}

/** One line for logs, e.g. `CANARY: primary 1, canary 2 at 0.25, shadow none, band [0.3, 0.7]`. */
export function describeRouting(routing: Routing): string {
  const canary = routing.canary ? `${routing.canary.version} at ${routing.canary.weight}` : 'none';
  return `${routing.stage}: primary ${routing.primaryVersion}, canary ${canary}, shadow ${routing.shadowVersion ?? 'none'}, band [${routing.band.low}, ${routing.band.high}]`;
}
