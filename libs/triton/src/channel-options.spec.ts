import { channelCredentials } from './channel-options';

describe('channelCredentials', () => {
  const address = '127.0.0.1:8001';

  it('is a plaintext channel without TLS settings', () => {
    expect(channelCredentials({ address }, {})._isSecure()).toBe(false);
  });

  it('is TLS when TRITON_TLS_CA_FILE names a CA, or the client asks for it', () => {
    expect(channelCredentials({ address }, { TRITON_TLS_CA_FILE: __filename })._isSecure()).toBe(true);
    expect(channelCredentials({ address, tls: {} }, {})._isSecure()).toBe(true);
  });

  it('fails on a CA file that is not there rather than falling back to plaintext', () => {
    expect(() => channelCredentials({ address }, { TRITON_TLS_CA_FILE: '/nonexistent/ca.pem' })).toThrow(/ENOENT/);
  });
});
