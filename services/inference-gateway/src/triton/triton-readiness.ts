import { Injectable, OnModuleInit } from '@nestjs/common';
import { ReadinessCheck, ReadinessChecks, ReadinessResult } from '@claims-mesh/platform';
import type { TritonClient } from '@claims-mesh/triton';
import { GatewayConfig } from '../config';
import { mainVersions } from '../rollout/routing';
import { RoutingProvider } from '../rollout/routing-provider';
import { TritonShards } from './triton-shards';

interface ModelRef {
  name: string;
  version: string;
}

/**
 * Triton's part of /health/ready: ready while at least one shard answers ServerReady and
 * ModelReady for every model version the main path scores with under the routing applied now
 * (student and teacher of the primary version, and of the canary's while it has a share), so a
 * rollout to a version Triton has not loaded shows here. The shadow is left out: its failure
 * never holds the main path up. The body gives each shard's state and the ejected ones.
 */
@Injectable()
export class TritonReadiness implements ReadinessCheck, OnModuleInit {
  readonly name = 'triton';

  constructor(
    private readonly config: GatewayConfig,
    private readonly shards: TritonShards,
    private readonly routing: RoutingProvider,
    private readonly checks: ReadinessChecks,
  ) {}

  private get models(): ModelRef[] {
    return mainVersions(this.routing.current).flatMap((version) => [
      { name: this.config.STUDENT_MODEL, version },
      { name: this.config.TEACHER_MODEL, version },
    ]);
  }

  onModuleInit(): void {
    this.checks.register(this);
  }

  async check(): Promise<ReadinessResult> {
    const shards = this.shards.router.shards;
    const models = this.models;
    const states = await Promise.all(shards.map((shard) => this.stateOf(shard.client, models)));
    const details = {
      models: models.map(({ name, version }) => `${name}:${version}`),
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
  private async stateOf(client: TritonClient, models: ModelRef[]): Promise<string> {
    try {
      if (!(await client.serverReady())) return 'server not ready';
      const ready = await Promise.all(
        models.map(({ name, version }) => client.modelReady(name, version)),
      );
      const missing = models
        .filter((_, i) => !ready[i])
        .map(({ name, version }) => `${name}:${version}`);
      return missing.length === 0 ? 'ready' : `not ready: ${missing.join(', ')}`;
    } catch (error) {
      return `unreachable: ${(error as Error).message}`;
    }
  }
}
