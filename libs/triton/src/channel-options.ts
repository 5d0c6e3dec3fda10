import { readFileSync } from 'node:fs';
import { credentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';

export interface TritonClientOptions {
  /** host:port of the server's gRPC endpoint, e.g. 127.0.0.1:8001. */
  address: string;
  /** Deadline of a call that is given none, in milliseconds from its start. Default 1000. */
  timeoutMs?: number;
  /**
   * How often an idle connection is pinged, so a dead or unreachable server is noticed between
   * calls rather than by the next call's deadline. Default 10000; the local Triton shards accept
   * pings every 5 s or more (infra/local/triton/shards.py), a faster client would be cut off.
   */
  keepaliveTimeMs?: number;
  /** How long a ping may go unanswered before the connection counts as dead. Default 5000. */
  keepaliveTimeoutMs?: number;
  /**
   * Upper bound of the wait between reconnection attempts. gRPC's default grows to two minutes,
   * far longer than a restarted shard takes to come back. Default 2000.
   */
  maxReconnectBackoffMs?: number;
  /**
   * TLS to the server: `{ caFile }` trusts that CA's PEM file, `{}` the system's CAs only. Default:
   * TLS with TRITON_TLS_CA_FILE's CA when that variable is set, else a plaintext channel.
   */
  tls?: { caFile?: string };
  /** Names of the models' input and output tensors. Default: infra/models/feature-order.json's. */
  inputName?: string;
  outputName?: string;
}

export function channelOptions(options: TritonClientOptions): ChannelOptions {
  const maxReconnectBackoffMs = options.maxReconnectBackoffMs ?? 2000;
  return {
    'grpc.keepalive_time_ms': options.keepaliveTimeMs ?? 10_000,
    'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs ?? 5000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.initial_reconnect_backoff_ms': Math.min(500, maxReconnectBackoffMs),
    'grpc.max_reconnect_backoff_ms': maxReconnectBackoffMs,
  };
}

/** The channel's credentials: the one place a Triton client chooses between TLS and plaintext. */
export function channelCredentials(options: TritonClientOptions, env: Record<string, string | undefined> = process.env): ChannelCredentials {
  const tls = options.tls ?? (env.TRITON_TLS_CA_FILE ? { caFile: env.TRITON_TLS_CA_FILE } : undefined);
  if (!tls) return credentials.createInsecure();
  // gRPC checks the server's certificate and that it names the host of `address`.
  return credentials.createSsl(tls.caFile ? readFileSync(tls.caFile) : null);
}
