import { randomUUID } from 'node:crypto';
import { modelRollout, type ModelRollout } from '@claims-mesh/contracts';
import { validateConfig } from '@claims-mesh/platform';
import { GatewayConfig } from '../config';
import { SERVICE } from '../service';
import { inCanary } from '../scoring/canary-split';
import { bootstrapRollout, isUncertain, mainVersions, routingOf, versionFor } from './routing';

function config(env: Record<string, string> = {}): GatewayConfig {
  return validateConfig(GatewayConfig, { PORT: SERVICE.port }, env);
}

function rollout(overrides: Partial<ModelRollout> = {}): ModelRollout {
  return {
    ...modelRollout({
      family: 'fraud',
      primaryVersion: '1',
      canary: { version: '2', weight: 0.25 },
      shadowVersion: '3',
      uncertainLow: 0.2,
      uncertainHigh: 0.6,
      stage: 'CANARY',
      candidateVersion: '2',
      reason: 'test',
      decidedBy: 'test',
    }),
    ...overrides,
  };
}

describe('bootstrap routing from the environment', () => {
  it('is version 1 alone, band [0.3, 0.7], no canary, no shadow, by default', () => {
    expect(routingOf(bootstrapRollout(config()))).toEqual({
      primaryVersion: '1',
      canary: null,
      shadowVersion: null,
      band: { low: 0.3, high: 0.7 },
      stage: 'BOOTSTRAP',
    });
  });

  it('takes the canary, the shadow version and the band from their variables', () => {
    const env = { MODEL_VERSION: '2', CANARY_VERSION: '3', CANARY_WEIGHT: '0.1', SHADOW_VERSION: '4', UNCERTAIN_LOW: '0.4', UNCERTAIN_HIGH: '0.5' };
    expect(routingOf(bootstrapRollout(config(env)))).toMatchObject({
      primaryVersion: '2',
      canary: { version: '3', weight: 0.1 },
      shadowVersion: '4',
      band: { low: 0.4, high: 0.5 },
    });
  });

  it('refuses a band upside down, as it would refuse the record', () => {
    expect(() => bootstrapRollout(config({ UNCERTAIN_LOW: '0.8', UNCERTAIN_HIGH: '0.2' }))).toThrow(
      'the bootstrap routing of the environment is unusable: uncertainLow 0.8 is above uncertainHigh 0.2',
    );
  });
});

describe('routing of a rollout record', () => {
  it('carries the versions, the canary split, the band and the stage', () => {
    expect(routingOf(rollout())).toEqual({
      primaryVersion: '1',
      canary: { version: '2', weight: 0.25 },
      shadowVersion: '3',
      band: { low: 0.2, high: 0.6 },
      stage: 'CANARY',
    });
  });

  it('cannot be changed once made, so a claim holding it sees one routing to the end', () => {
    const routing = routingOf(rollout());
    expect(Object.isFrozen(routing) && Object.isFrozen(routing.canary) && Object.isFrozen(routing.band)).toBe(true);
  });
});

describe('versionFor', () => {
  const ids = Array.from({ length: 2000 }, () => randomUUID());

  it('gives the canary version to the claims of the canary share and the primary to the others', () => {
    const routing = routingOf(rollout());
    for (const id of ids) {
      const canary = inCanary(id, 0.25);
      expect(versionFor(routing, id)).toEqual({ version: canary ? '2' : '1', canary });
    }
  });

  it('gives every claim the canary at weight 1 and the primary without a canary', () => {
    const all = routingOf(rollout({ canary: { version: '2', weight: 1 } }));
    const none = routingOf(rollout({ canary: null }));
    expect(ids.every((id) => versionFor(all, id).version === '2')).toBe(true);
    expect(ids.every((id) => versionFor(none, id).version === '1')).toBe(true);
  });
});

describe('isUncertain', () => {
  it('holds for probabilities inside the band, bounds included', () => {
    const band = { low: 0.3, high: 0.7 };
    expect([0.29, 0.3, 0.5, 0.7, 0.71].map((p) => isUncertain(band, p))).toEqual([false, true, true, true, false]);
  });
});

describe('mainVersions', () => {
  it('is the primary and the canary while it has a share, never the shadow', () => {
    expect(mainVersions(routingOf(rollout()))).toEqual(['1', '2']);
    expect(mainVersions(routingOf(rollout({ canary: { version: '2', weight: 0 } })))).toEqual(['1']);
    expect(mainVersions(routingOf(rollout({ canary: { version: '1', weight: 0.5 } })))).toEqual(['1']);
  });
});
