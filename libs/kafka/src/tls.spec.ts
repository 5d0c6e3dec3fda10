import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { librdkafkaConfig } from './connection';
import { tlsFromEnv } from './tls';

describe('tlsFromEnv', () => {
  const ca = join(mkdtempSync(join(tmpdir(), 'kafka-tls-')), 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
  const sasl = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'mesh', KAFKA_SASL_PASSWORD: 'p' };

  it('is off on a plaintext link', () => {
    expect(tlsFromEnv({})).toBeUndefined();
    expect(tlsFromEnv({ ...sasl })).toBeUndefined();
  });

  it('turns on with a CA file alone, the protocol following from SASL', () => {
    expect(tlsFromEnv({ KAFKA_SSL_CA_FILE: ca })).toEqual({ caFile: ca });
    expect(tlsFromEnv({ ...sasl, KAFKA_SSL_CA_FILE: ca })).toEqual({ caFile: ca });
  });

  it('turns on without a CA file when the protocol says so (the system CAs are trusted then)', () => {
    expect(tlsFromEnv({ ...sasl, KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' })).toEqual({ caFile: undefined });
  });

  it.each([
    [{ KAFKA_SECURITY_PROTOCOL: 'tls' }, /must be one of plaintext, ssl, sasl_plaintext, sasl_ssl/],
    [{ KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' }, /sasl_ssl needs KAFKA_SASL_MECHANISM/],
    [{ ...sasl, KAFKA_SECURITY_PROTOCOL: 'ssl' }, /ssl cannot go with KAFKA_SASL_MECHANISM/],
    [{ ...sasl, KAFKA_SECURITY_PROTOCOL: 'sasl_plaintext', KAFKA_SSL_CA_FILE: ca }, /KAFKA_SSL_CA_FILE needs KAFKA_SECURITY_PROTOCOL ssl or sasl_ssl/],
    [{ KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' }, /KAFKA_SSL_CA_FILE names no file/],
  ])('refuses setting #%# naming the variable', (env, message) => {
    expect(() => tlsFromEnv(env)).toThrow(message);
  });
});

describe('librdkafkaConfig with TLS', () => {
  it('asks for sasl_ssl with the CA when both are given', () => {
    const config = librdkafkaConfig({
      clientId: 'c',
      brokers: '127.0.0.1:9093',
      sasl: { mechanism: 'scram-sha-512', username: 'mesh', password: 'p' },
      tls: { caFile: '/ca.pem' },
    });
    expect(config).toEqual(expect.objectContaining({ 'security.protocol': 'sasl_ssl', 'ssl.ca.location': '/ca.pem', 'sasl.mechanisms': 'SCRAM-SHA-512' }));
  });

  it('stays plaintext without either', () => {
    expect(librdkafkaConfig({ clientId: 'c', brokers: '127.0.0.1:9092', sasl: undefined, tls: undefined })['security.protocol']).toBe('plaintext');
  });
});
