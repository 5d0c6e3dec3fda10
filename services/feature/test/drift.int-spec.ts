import { ClaimSubmitted } from '@claims-mesh/contracts';
import { sampleClaim, ServiceProcess } from '@claims-mesh/testing';
import { ClaimsPipe, startFeatureService, unique } from './feature-harness';

const WINDOW = 40;

/** A claim whose description is `length` characters long. */
function claimWithDescription(length: number): ClaimSubmitted {
  return sampleClaim({
    customerId: unique('customer'),
    serialNumber: unique('SN'),
    description: 'x'.repeat(length),
  });
}

/** Description lengths 10..49, each once, in a fixed scrambled order (28, the sample claim's, among them). */
const usualLengths = Array.from({ length: WINDOW }, (_, i) => 10 + ((i * 7) % WINDOW));

async function psiOf(service: ServiceProcess, feature: string): Promise<number | undefined> {
  const text = await (await fetch(service.url('/metrics'))).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('feature_drift_psi{') && l.includes(`feature="${feature}"`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('feature service: drift (real Kafka, registry and Redis)', () => {
  let service: ServiceProcess;
  let pipe: ClaimsPipe;

  beforeAll(async () => {
    service = await startFeatureService(13103, { DRIFT_WINDOW_SIZE: String(WINDOW) });
    pipe = await ClaimsPipe.open();
  });

  afterAll(async () => {
    await pipe?.close();
    await service?.stop();
  });

  it('exports feature_drift_psi per feature, and it rises when a feature’s distribution shifts', async () => {
    const reference = usualLengths.map(claimWithDescription);
    const usual = usualLengths.map(claimWithDescription);
    // One after the other: partitions are consumed concurrently, so sent together the two sets
    // would interleave and the reference window would be a random half of both.
    await pipe.submit(reference);
    await pipe.enrichedOf(reference);
    await pipe.submit(usual);
    await pipe.enrichedOf(usual);

    const stable = await psiOf(service, 'descriptionLength');
    expect(stable).toBeLessThan(0.1);
    expect(await psiOf(service, 'customerAmount30dMinor')).toBeDefined();

    const shifted = usualLengths.map((length) => claimWithDescription(length * 20));
    await pipe.submit(shifted);
    await pipe.enrichedOf(shifted);

    const drifted = await psiOf(service, 'descriptionLength');
    expect(drifted).toBeGreaterThan(1);
    expect(drifted).toBeGreaterThan(stable as number);
  });
});
