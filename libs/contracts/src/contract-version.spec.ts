import { contractRecord, schemasFingerprint } from './contract-version';

describe('the event contract version (schemas/CONTRACT.json)', () => {
  it('is a semantic version', () => {
    expect(contractRecord().version).toMatch(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/);
  });

  it('describes the schemas as they are: a schema change must bump the version and record the new fingerprint', () => {
    expect(contractRecord().fingerprint).toBe(schemasFingerprint());
  });
});
