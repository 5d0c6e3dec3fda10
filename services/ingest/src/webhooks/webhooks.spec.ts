import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ClaimDecided } from '@claims-mesh/contracts';
import { HostAllowList, parseWebhooks } from './webhook-config';
import { decisionEvent, signatureHeader, signatureOf, verifySignature, webhookEventId } from './webhook-events';
import { PendingDelivery } from './webhook-outbox';
import { sendOnce } from './webhook-sender';

const SECRET = 'a-secret-of-enough-length';

describe('webhook config', () => {
  const file = (clients: unknown[], allowedHosts = ['127.0.0.1', '*.example.com']) => JSON.stringify({ allowedHosts, clients });

  it('registers clients whose callback host is allowed, and refuses the others at load', () => {
    const settings = parseWebhooks(
      file([
        { clientId: 'a', url: 'http://127.0.0.1:9000/hook', secret: SECRET },
        { clientId: 'b', url: 'https://hooks.example.com/x', secret: SECRET },
        { clientId: 'c', url: 'http://169.254.169.254/latest', secret: SECRET },
        { clientId: 'd', url: 'https://example.com.evil.net/', secret: SECRET },
      ]),
      'webhooks.json',
    );
    expect([...settings.clients.keys()]).toEqual(['a', 'b']);
    expect(settings.refused).toEqual([
      { clientId: 'c', reason: expect.stringContaining('169.254.169.254 is not on the allow-list') },
      { clientId: 'd', reason: expect.stringContaining('not on the allow-list') },
    ]);
  });

  it('takes the secret from the variable secretEnv names, and never quotes a secret in an error', () => {
    const settings = parseWebhooks(file([{ clientId: 'a', url: 'http://127.0.0.1/', secretEnv: 'HOOK_SECRET_A' }]), 'f', { HOOK_SECRET_A: SECRET });
    expect(settings.clients.get('a')?.secret).toBe(SECRET);
    expect(() => parseWebhooks(file([{ clientId: 'a', url: 'http://127.0.0.1/', secret: 'short-secret' }]), 'f')).toThrow(/at least 16 characters/);
    expect(() => parseWebhooks(file([{ clientId: 'a', url: 'http://127.0.0.1/', secret: 'short-secret' }]), 'f')).not.toThrow(/short-secret/);
    expect(() => parseWebhooks('[]', 'f')).toThrow(/expected a JSON object/);
  });

  it('allows http(s) to listed hosts only, without credentials in the URL', () => {
    const list = new HostAllowList(['127.0.0.1', '*.example.com']);
    expect(list.allows(new URL('http://127.0.0.1:1/x'))).toBe(true);
    expect(list.allows(new URL('https://a.b.example.com/'))).toBe(true);
    expect(list.allows(new URL('https://example.com/'))).toBe(false);
    expect(list.allows(new URL('http://localhost/'))).toBe(false);
    expect(list.allows(new URL('ftp://127.0.0.1/'))).toBe(false);
    expect(list.allows(new URL('http://user:pw@127.0.0.1/'))).toBe(false);
  });
});

describe('webhook events and signatures', () => {
  const decided = {
    eventId: '0d6f9a4e-6b49-4d55-8f0e-3c1d2b7a9e10',
    claimId: 'c1',
    action: 'REQUEST_INFO',
    final: false,
    reasonCodes: ['MISSING_MEDIA'],
    ruleSetVersion: 'r1',
    reviewerOverrode: null,
    model: { name: 'fraud_student', version: '2' },
    evidenceDeadline: 1_700_086_400_000,
    timestamps: { decidedAt: 1_700_000_000_000 },
  } as unknown as ClaimDecided;

  it('derives a stable event id from the source event and the type', () => {
    const event = decisionEvent(decided, 'fs-1', 0);
    expect(event.type).toBe('claim.evidence_requested');
    expect(event.id).toBe(webhookEventId(decided.eventId, 'claim.evidence_requested'));
    expect(decisionEvent(decided, 'fs-1', 99).id).toBe(event.id);
    expect(decisionEvent({ ...decided, action: 'APPROVE', final: true }, null, 0).type).toBe('claim.decided');
    expect(event.data).toEqual({
      action: 'REQUEST_INFO',
      final: false,
      reasonCodes: ['MISSING_MEDIA'],
      reviewerOverrode: null,
      evidenceDeadline: new Date(decided.evidenceDeadline as number).toISOString(),
      versions: { model: 'fraud_student:2', ruleSet: 'r1', featureSet: 'fs-1' },
    });
  });

  it('signs t.body with HMAC-SHA256 and verifies it, refusing a changed body or an old timestamp', () => {
    const body = '{"id":"x"}';
    const now = 1_700_000_000_000;
    const header = signatureHeader(SECRET, body, now);
    expect(header).toBe(`t=1700000000,v1=${signatureOf(SECRET, 1_700_000_000, body)}`);
    expect(verifySignature(SECRET, header, body, 300, now)).toBe(true);
    expect(verifySignature(SECRET, header, body + ' ', 300, now)).toBe(false);
    expect(verifySignature('another-secret-1234', header, body, 300, now)).toBe(false);
    expect(verifySignature(SECRET, header, body, 300, now + 301_000)).toBe(false);
  });
});

describe('sendOnce', () => {
  let server: Server;
  let answer: (req: IncomingMessage) => number | 'hang' | 'redirect';
  const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
  let url: URL;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        const what = answer(req);
        if (what === 'hang') return;
        if (what === 'redirect') {
          res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
          return;
        }
        res.writeHead(what).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const delivery: PendingDelivery = { id: 'ev-1', clientId: 'a', claimId: 'c1', type: 'claim.decided', body: '{"id":"ev-1"}', attempts: 2, enqueuedAt: 0 };

  it('POSTs the stored body signed, with the event id, type and attempt in headers', async () => {
    answer = () => 204;
    const result = await sendOnce({ clientId: 'a', url, secret: SECRET }, delivery, 1000);
    expect(result).toEqual({ ok: true, status: 204 });
    const last = seen[seen.length - 1];
    expect(last.body).toBe(delivery.body);
    expect(last.headers).toMatchObject({ 'x-claims-event-id': 'ev-1', 'x-claims-event-type': 'claim.decided', 'x-claims-delivery-attempt': '3' });
    expect(verifySignature(SECRET, String(last.headers['x-claims-signature']), last.body)).toBe(true);
  });

  it('fails on a non-2xx, a redirect (not followed), a receiver that does not answer, and a dead port', async () => {
    answer = () => 503;
    expect(await sendOnce({ clientId: 'a', url, secret: SECRET }, delivery, 1000)).toEqual({ ok: false, reason: 'receiver answered HTTP 503' });
    answer = () => 'redirect';
    expect(await sendOnce({ clientId: 'a', url, secret: SECRET }, delivery, 1000)).toEqual({ ok: false, reason: 'receiver answered HTTP 302' });
    answer = () => 'hang';
    const started = Date.now();
    expect(await sendOnce({ clientId: 'a', url, secret: SECRET }, delivery, 300)).toEqual({ ok: false, reason: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const dead = await sendOnce({ clientId: 'a', url: new URL(`http://127.0.0.1:${port}/`), secret: SECRET }, delivery, 1000);
    expect(dead).toEqual({ ok: false, reason: 'request failed: ECONNREFUSED' });
  });
});
