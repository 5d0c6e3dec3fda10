import { Injectable, OnModuleInit } from '@nestjs/common';
import { ReadinessCheck, ReadinessChecks, ReadinessResult } from '@claims-mesh/platform';
import type { TritonClient } from '@claims-mesh/triton';
import { GatewayConfig } from '../config';
import { TritonShards } from './triton-shards';

interface ModelRef {
  name: string;
  version: string;
}

/**
 * Triton's part of /health/ready: ready while at least one shard answers ServerReady and
 * ModelReady for every model version the main path scores with (student and teacher, and
 * their canary version when a canary share is set). The shadow model is left out: its
 * failure never holds the main path up. The body gives each shard's state and the ejected ones.
 */
@Injectable()
export class TritonReadiness implements ReadinessCheck, OnModuleInit {
  readonly name = 'triton';
  private readonly models: ModelRef[];

  constructor(
    config: GatewayConfig,
    private readonly shards: TritonShards,
    private readonly checks: ReadinessChecks,
  ) {
    const versions = new Set([
      config.MODEL_VERSION,
      ...(config.CANARY_WEIGHT > 0 ? [config.CANARY_VERSION] : []),
    ]);
    this.models = [...versions].flatMap((version) => [
      { name: config.STUDENT_MODEL, version },
      { name: config.TEACHER_MODEL, version },
    ]);
  }

  onModuleInit(): void {
    this.checks.register(this);
  }

  async check(): Promise<ReadinessResult> {
    const shards = this.shards.router.shards;
    const states = await Promise.all(shards.map((shard) => this.stateOf(shard.client)));
    const details = {
      models: this.models.map(({ name, version }) => `${name}:${version}`),
      shards: Object.fromEntries(shards.map((shard, i) => [shard.address, states[i]])),
      ejected: shards.filter((shard) => !shard.breaker.isClosed).map((shard) => shard.address),
    };
    const ready = states.includes('ready');
    return {
      ready,
      details: ready ? details : { message: 'no Triton shard is ready to serve the models', ...details },
    };
  }

  /** 'ready', or why not. */
  private async stateOf(client: TritonClient): Promise<string> {
    try {
      if (!(await client.serverReady())) return 'server not ready';
      const ready = await Promise.all(
        this.models.map(({ name, version }) => client.modelReady(name, version)),
      );
      const missing = this.models
        .filter((_, i) => !ready[i])
        .map(({ name, version }) => `${name}:${version}`);
      return missing.length === 0 ? 'ready' : `not ready: ${missing.join(', ')}`;
    } catch (error) {
      return `unreachable: ${(error as Error).message}`;
    }
  }
}
