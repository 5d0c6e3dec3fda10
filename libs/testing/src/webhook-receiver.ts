import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request a WebhookReceiver got. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingMessage['headers'];
  /** The raw body, as signed. */
  body: string;
  receivedAt: number;
  /** What the receiver answered; undefined while it hangs. */
  status?: number;
}

/** How a path answers: a status, or 'hang' (never answers while the receiver runs). */
export type WebhookBehaviour = (request: ReceivedWebhook, earlier: ReceivedWebhook[]) => number | 'hang';

/**
 * A webhook receiver on loopback for tests: records every request with its raw body, and
 * answers per path as told (e.g. fail an event's first attempts, always fail, never answer).
 * Tracks how many requests of each path are open at once.
 */
export class WebhookReceiver {
  readonly requests: ReceivedWebhook[] = [];
  private readonly open = new Map<string, number>();
  private readonly maxOpen = new Map<string, number>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    private readonly behaviours: Record<string, WebhookBehaviour>,
  ) {}

  static async start(behaviours: Record<string, WebhookBehaviour>, host = '127.0.0.1'): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server, behaviours);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  on(path: string): ReceivedWebhook[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Most requests of `path` that were open at the same time. */
  maxConcurrent(path: string): number {
    return this.maxOpen.get(path) ?? 0;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const received: ReceivedWebhook = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
      const earlier = this.on(path);
      this.requests.push(received);
      const open = (this.open.get(path) ?? 0) + 1;
      this.open.set(path, open);
      this.maxOpen.set(path, Math.max(open, this.maxOpen.get(path) ?? 0));
      const closed = () => this.open.set(path, (this.open.get(path) ?? 1) - 1);
      res.once('close', closed);
      const behaviour = this.behaviours[path] ?? (() => 404);
      const answer = behaviour(received, earlier);
      if (answer === 'hang') {
        this.hanging.add(res);
        res.once('close', () => this.hanging.delete(res));
        return;
      }
      received.status = answer;
      res.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
    });
  }
}
