import { Agent, request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends requests with exact bytes and headers (what fetch will not send: invalid UTF-8,
 * any content type or encoding) over a pool of keep-alive connections.
 */
export class RawHttpClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    connections = 16,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  async send(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<RawResponse> {
    try {
      return await this.sendOnce(method, path, headers, body);
    } catch (error) {
      // The server closed an idle keep-alive connection just as it was reused: the request never
      // reached it, so sending it again is what any HTTP client does (see Node's http docs).
      if ((error as { reusedSocket?: boolean }).reusedSocket) return this.sendOnce(method, path, headers, body);
      throw error;
    }
  }

  private sendOnce(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.baseUrl), {
        method,
        agent: this.agent,
        headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      // A server may answer (e.g. 413) and close before it has read the whole body: the answer counts.
      req.on('error', (error: NodeJS.ErrnoException) =>
        reject(Object.assign(error, { reusedSocket: req.reusedSocket && error.code === 'ECONNRESET' })),
      );
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
