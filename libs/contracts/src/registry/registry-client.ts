import { readFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

/**
 * How the mesh reaches the schema registry: the URL (SCHEMA_REGISTRY_URL where a service reads it)
 * and, for an https:// one whose certificate a private CA signed, that CA's PEM file
 * (SCHEMA_REGISTRY_CA_FILE; it replaces the system's CAs). Without it an https:// registry is
 * checked against the system's CAs.
 */
export interface RegistryConnection {
  url: string;
  caFile?: string;
}

export function registryConnection(url: string, env: Record<string, string | undefined> = process.env): RegistryConnection {
  const caFile = env.SCHEMA_REGISTRY_CA_FILE || undefined;
  if (caFile && !url.startsWith('https://')) throw new Error('SCHEMA_REGISTRY_CA_FILE needs an https:// SCHEMA_REGISTRY_URL');
  return { url, caFile };
}

/** An agent that trusts the connection's CA, or undefined for Node's defaults. */
function agentOf(connection: RegistryConnection, keepAlive: boolean): Agent | undefined {
  return connection.caFile ? new Agent({ ca: readFileSync(connection.caFile), keepAlive }) : undefined;
}

/** The one place a registry client is built: the serde's and the schema registration's. */
export function schemaRegistryClient(connection: RegistryConnection): SchemaRegistry {
  return new SchemaRegistry({ host: connection.url, agent: agentOf(connection, true) });
}

/**
 * A request the client library has no call for (PUT /config/<subject>), on the same trust.
 * Node's fetch cannot be given a CA, hence node:http(s).
 */
export function registryRequest(
  connection: RegistryConnection,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; text: string }> {
  const url = new URL(`${connection.url}${path}`);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, agent: agentOf(connection, false), headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
