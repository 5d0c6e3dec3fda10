import { signatureHeader, SIGNATURE_HEADER } from './webhook-events';
import { WebhookClient } from './webhook-config';
import { PendingDelivery } from './webhook-outbox';

export type AttemptResult = { ok: true; status: number } | { ok: false; reason: string };

/**
 * One POST of an event to its client's callback, signed (X-Claims-Signature) with the
 * client's secret over a timestamp taken now and the stored body. Only a 2xx counts as
 * delivered; redirects are not followed (they could lead off the allow-list), and a receiver
 * that does not answer within `timeoutMs` is a failed attempt. The reason never holds the URL
 * or the secret.
 */
export async function sendOnce(
  client: WebhookClient,
  delivery: PendingDelivery,
  timeoutMs: number,
  fetchImpl: typeof fetch = fetch,
  now = Date.now(),
): Promise<AttemptResult> {
  try {
    const response = await fetchImpl(client.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'claims-mesh-webhooks/1',
        'x-claims-event-id': delivery.id,
        'x-claims-event-type': delivery.type,
        'x-claims-delivery-attempt': String(delivery.attempts + 1),
        [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(client.secret, delivery.body, now),
      },
      body: delivery.body,
    });
    // The answer's body is of no use: not read, so a receiver streaming one costs nothing.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, reason: `receiver answered HTTP ${response.status}` };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { ok: false, reason: `no answer within ${timeoutMs} ms` };
    const cause = e.cause?.code ?? e.cause?.message;
    return { ok: false, reason: `request failed: ${cause ?? e.message}` };
  }
}
