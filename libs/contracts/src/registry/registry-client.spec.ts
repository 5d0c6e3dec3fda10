import { registryConnection } from './registry-client';

describe('registryConnection', () => {
  it('takes its CA from SCHEMA_REGISTRY_CA_FILE', () => {
    expect(registryConnection('https://r:8081/apis/ccompat/v7', { SCHEMA_REGISTRY_CA_FILE: '/ca.pem' })).toEqual({
      url: 'https://r:8081/apis/ccompat/v7',
      caFile: '/ca.pem',
    });
    expect(registryConnection('http://r:8081', {})).toEqual({ url: 'http://r:8081', caFile: undefined });
  });

  it('refuses a CA for a plaintext URL, which would never be used', () => {
    expect(() => registryConnection('http://r:8081', { SCHEMA_REGISTRY_CA_FILE: '/ca.pem' })).toThrow(
      'SCHEMA_REGISTRY_CA_FILE needs an https:// SCHEMA_REGISTRY_URL',
    );
  });
});
