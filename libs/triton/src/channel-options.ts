import type { ChannelOptions } from '@grpc/grpc-js';

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
