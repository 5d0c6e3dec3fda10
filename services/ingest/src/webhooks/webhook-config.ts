import { existsSync, readFileSync } from 'node:fs';

/** A client's registered callback, as loaded: the secret stays in memory, never in logs or Redis. */
export interface WebhookClient {
  /** The API key id (api-keys.json `id`) whose claims' events go to this callback. */
  clientId: string;
  url: URL;
  secret: string;
}

export interface WebhookSettings {
  allowedHosts: HostAllowList;
  clients: Map<string, WebhookClient>;
  /** Entries refused at load (host off the allow-list, bad URL): client id and why. */
  refused: { clientId: string; reason: string }[];
}

/** The file's shape (WEBHOOKS_FILE, JSON). */
interface WebhooksFile {
  allowedHosts?: unknown;
  clients?: unknown;
}

const MIN_SECRET_LENGTH = 16;

/**
 * Host names callbacks may be sent to: exact names (case-insensitive, IP literals as written in
 * the URL) or `*.example.com` for any subdomain of example.com. Nothing else is ever called.
 */
export class HostAllowList {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];

  constructor(hosts: string[]) {
    for (const host of hosts.map((h) => h.trim().toLowerCase()).filter(Boolean)) {
      if (host.startsWith('*.')) this.suffixes.push(host.slice(1));
      else this.exact.add(host);
    }
  }

  /** Whether `url` may be called: http(s), no credentials in it, its host on the list. */
  allows(url: URL): boolean {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
    if (url.username || url.password) return false;
    const host = url.hostname.toLowerCase();
    return this.exact.has(host) || this.suffixes.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
  }

  describe(): string {
    return [...this.exact, ...this.suffixes.map((s) => `*${s}`)].join(', ') || '(none)';
  }
}

/**
 * Parses the webhooks file: `{ "allowedHosts": [...], "clients": [{ "clientId", "url", "secret" | "secretEnv" }] }`.
 * A malformed file stops the service (like a malformed api-keys.json). A client whose URL is off
 * the allow-list, or not a URL, is refused: left out, reported in `refused`, and its claims'
 * events are never enqueued. `secretEnv` names an environment variable holding the secret, so a
 * deployment keeps secrets out of the file.
 */
export function parseWebhooks(json: string, source: string, env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const file = JSON.parse(json) as WebhooksFile;
  if (!file || typeof file !== 'object' || Array.isArray(file)) throw new Error(`${source}: expected a JSON object`);
  const hosts = file.allowedHosts ?? [];
  if (!Array.isArray(hosts) || hosts.some((h) => typeof h !== 'string')) throw new Error(`${source}.allowedHosts: must be an array of host names`);
  const allowedHosts = new HostAllowList(hosts as string[]);
  const entries = file.clients ?? [];
  if (!Array.isArray(entries)) throw new Error(`${source}.clients: must be an array`);
  const clients = new Map<string, WebhookClient>();
  const refused: WebhookSettings['refused'] = [];
  entries.forEach((entry: Record<string, unknown>, index) => {
    const at = `${source}.clients[${index}]`;
    if (!entry || typeof entry !== 'object') throw new Error(`${at}: must be an object`);
    const { clientId, url, secret, secretEnv } = entry;
    if (typeof clientId !== 'string' || !clientId) throw new Error(`${at}.clientId: required`);
    if (clients.has(clientId)) throw new Error(`${at}.clientId: ${clientId} is registered twice`);
    const secretValue = typeof secretEnv === 'string' && secretEnv ? env[secretEnv] : secret;
    if (typeof secretValue !== 'string' || secretValue.length < MIN_SECRET_LENGTH) {
      // The message names where the secret should be, never its value.
      throw new Error(`${at}: a secret of at least ${MIN_SECRET_LENGTH} characters is required (secret, or secretEnv naming a set variable)`);
    }
    let parsed: URL;
    try {
      parsed = new URL(String(url));
    } catch {
      refused.push({ clientId, reason: 'url is not a valid URL' });
      return;
    }
    if (!allowedHosts.allows(parsed)) {
      refused.push({ clientId, reason: `callback host ${parsed.hostname} is not on the allow-list (${allowedHosts.describe()})` });
      return;
    }
    clients.set(clientId, { clientId, url: parsed, secret: secretValue });
  });
  return { allowedHosts, clients, refused };
}

/** The settings of WEBHOOKS_FILE; a file that does not exist registers no client. */
export function loadWebhooks(file: string): WebhookSettings {
  if (!existsSync(file)) return { allowedHosts: new HostAllowList([]), clients: new Map(), refused: [] };
  return parseWebhooks(readFileSync(file, 'utf8'), file);
}
