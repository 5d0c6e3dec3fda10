import { alignTopicConfigs, javaClientProperties, parseDescribe } from './topic-configs';

describe('alignTopicConfigs', () => {
  it('has nothing to bring when every topic was just created (a new cluster), and asks no broker', async () => {
    // Port 1 answers nobody: a request would fail the test.
    await expect(alignTopicConfigs({ clientId: 'unit', brokers: '127.0.0.1:1' }, [], { classpath: '/nowhere/*', java: '/nowhere/java' })).resolves.toEqual([]);
  });

  it("reads ConfigCommand's description of every topic: each topic's own configs by name", () => {
    const output = [
      'Dynamic configs for topic claims.scored.v1 are:',
      '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}',
      '  retention.ms=604800000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=604800000}',
      'Dynamic configs for topic empty.v1 are:',
    ].join('\n');
    expect(parseDescribe(output)).toEqual(
      new Map([
        ['claims.scored.v1', { 'cleanup.policy': 'compact,delete', 'retention.ms': '604800000' }],
        ['empty.v1', {}],
      ]),
    );
  });

  it('gives the Java tool the connection librdkafka has: protocol, the PEM CA, SCRAM credentials', () => {
    expect(javaClientProperties({ 'security.protocol': 'plaintext' })).toBe('security.protocol=PLAINTEXT\n');
    expect(
      javaClientProperties({ 'security.protocol': 'sasl_ssl', 'ssl.ca.location': '/ca.pem', 'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': 'mesh', 'sasl.password': 'p"w' }).split('\n'),
    ).toEqual([
      'security.protocol=SASL_SSL',
      'ssl.truststore.type=PEM',
      'ssl.truststore.location=/ca.pem',
      'sasl.mechanism=SCRAM-SHA-512',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="mesh" password="p\\"w";',
      '',
    ]);
  });
});
