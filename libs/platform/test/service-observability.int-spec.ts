import { randomUUID } from 'node:crypto';
import type { KafkaProducer } from '@claims-mesh/kafka';
import { ENTRANCE_TOPICS, ServiceProcess, startGroupAtEnd, testKafka, testProducer, waitFor } from '@claims-mesh/testing';

const INGEST_KEY = 'dev-ingest-key';
const INBOUND = 'claims.inbound.json.v1';

type LogLine = Record<string, unknown> & { message?: string; req?: { method?: string; route?: string } };

/** The service's output lines that are JSON log lines (Node's own process warnings are not ours). */
function logLines(service: ServiceProcess): LogLine[] {
  return service.logs
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** A claim whose personal values are unique to this run, so any of them in a log is a leak. */
function claimWithUniquePii(): Record<string, unknown> {
  const tag = randomUUID().slice(0, 12);
  return {
    customerId: `cust-${tag}`,
    customerEmail: `jane.${tag}@example.test`,
    policyId: `pol-${tag}`,
    policyStartDate: '2025-06-01',
    product: 'phone',
    amountMinor: 45900,
    currency: 'EUR',
    channel: 'WEB',
    description: `Screen of ${tag} cracked.`,
    mediaCount: 2,
    serialNumber: `SN-${tag}`,
    region: 'EU-WEST',
  };
}

const PII_FIELDS = ['customerId', 'customerEmail', 'policyId', 'description', 'serialNumber'];
const piiValuesOf = (claim: Record<string, unknown>) => PII_FIELDS.map((f) => String(claim[f]));

describe('service logs and metrics (ingest as a real process)', () => {
  let ingest: ServiceProcess;
  let producer: KafkaProducer;
  let groupId: string;

  beforeAll(async () => {
    // A group of its own from the end of the entrances: only this test's record is dead-lettered.
    groupId = `ingest-logs-it-${randomUUID()}`;
    await startGroupAtEnd(groupId, ENTRANCE_TOPICS);
    ingest = ServiceProcess.start('ingest', 13801, { KAFKA_GROUP_ID: groupId });
    producer = testProducer(testKafka());
    await Promise.all([ingest.listening(90_000), producer.connect()]);
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    await ingest.stop();
  });

  it('writes JSON lines only, Nest framework lines included', async () => {
    await waitFor('the startup lines', async () => (logLines(ingest).some((l) => l.context === 'NestApplication') ? true : undefined));
    expect(ingest.logs).not.toContain('[Nest]');
    expect(logLines(ingest).find((l) => l.context === 'NestApplication')).toMatchObject({ service: 'ingest', level: 'info', time: expect.any(String) });
  });

  it('logs a traced request once answered, with its trace and span ids and its route, not its URL or body', async () => {
    const claim = claimWithUniquePii();
    const res = await fetch(ingest.url('/v1/claims'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': INGEST_KEY },
      body: JSON.stringify(claim),
    });
    expect(res.status).toBeLessThan(300);
    const line = await waitFor('the request line', async () =>
      logLines(ingest).find((l) => l.message === 'request completed' && l.req?.method === 'POST' && l.req.route === '/v1/claims'),
    );
    expect(line).toMatchObject({ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(line).toMatchObject({ req: { headers: { 'x-api-key': '[Redacted]' } }, res: { statusCode: res.status } });
  });

  it('never writes the personal values of a claim, accepted or refused, nor the API key', async () => {
    const accepted = claimWithUniquePii();
    const refused = { ...claimWithUniquePii(), amountMinor: -1 };
    for (const claim of [accepted, refused]) {
      await fetch(ingest.url('/v1/claims'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': INGEST_KEY },
        body: JSON.stringify(claim),
      });
    }
    await waitFor('both request lines', async () =>
      logLines(ingest).filter((l) => l.message === 'request completed' && l.req?.route === '/v1/claims').length >= 3 ? true : undefined,
    );
    const leaks = [...piiValuesOf(accepted), ...piiValuesOf(refused), INGEST_KEY].filter((value) => ingest.logs.includes(value));
    expect(leaks).toEqual([]);
  });

  it('names the claim, trace and span on the line about a Kafka record it dead-letters, without its personal values', async () => {
    const claimId = randomUUID();
    const claim = { ...claimWithUniquePii(), claimId, amountMinor: 'lots' };
    // Unparseable too, where the parse error quotes the input around the bad token: an unquoted serial number.
    const serial = `Q${randomUUID().slice(0, 6)}`;
    const unparseable = `{"claimId":"${claimId}","serialNumber":${serial}}`;
    await producer.send({
      topic: INBOUND,
      messages: [
        { key: claimId, value: JSON.stringify(claim) },
        { key: claimId, value: unparseable },
      ],
    });
    const line = await waitFor(
      'the dead-letter line',
      async () => {
        const lines = logLines(ingest).filter((l) => l.claimId === claimId && String(l.message).startsWith('dead-lettered'));
        return lines.length === 2 ? lines[0] : undefined;
      },
    );
    expect(line).toMatchObject({ level: 'warn', trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect([...piiValuesOf(claim), serial].filter((value) => ingest.logs.includes(value))).toEqual([]);
  });

  it("serves each route's latency histogram and its consumer group's lag per partition on /metrics", async () => {
    await fetch(ingest.url('/v1/claims'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const scrape = await waitFor('the lag of the group', async () => {
      const text = await (await fetch(ingest.url('/metrics'))).text();
      return text.includes(`kafka_consumer_lag{group="${groupId}",topic="${INBOUND}",partition="0"`) ? text : undefined;
    });
    expect(scrape).toContain('http_server_request_duration_seconds_count{service="ingest",method="POST",route="/v1/claims",status_code="401"} 1\n');
    expect(scrape).toContain('http_server_request_duration_seconds_bucket{le="+Inf",service="ingest",method="POST",route="/v1/claims",status_code="401"} 1\n');
  });
});
