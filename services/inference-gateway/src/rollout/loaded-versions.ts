import type { TritonClient } from '@claims-mesh/triton';
import type { ShardRouter } from '../routing/shard-router';
import type { Routing } from './routing';
import { routingModels, verdictOf, type LoadVerdict, type ModelRef, type ShardAnswer } from './routing-versions';

/** The part of a Triton client the check uses. */
export type ReadinessClient = Pick<TritonClient, 'modelReady'>;

/**
 * Whether Triton serves every version a routing scores with: ModelReady of the student and the
 * teacher of each of its versions, on every shard the router considers available (breaker
 * closed; an ejected or half-open shard is left to the router's probes). A shard that does not
 * answer counts as a failure on its breaker, as a failed inference would: a shard that died
 * while no claims flowed is ejected after a few checks and the others decide.
 */
export class LoadedVersions {
  constructor(
    private readonly router: ShardRouter<ReadinessClient>,
    private readonly student: string,
    private readonly teacher: string,
  ) {}

  async check(routing: Routing): Promise<LoadVerdict> {
    const models = routingModels(routing, this.student, this.teacher);
    const available = this.router.shards.filter((shard) => shard.breaker.isClosed);
    const answers = await Promise.all(available.map(({ address, client }) => this.ask(address, client, models)));
    return verdictOf(answers);
  }

  private async ask(address: string, client: ReadinessClient, models: ModelRef[]): Promise<ShardAnswer> {
    try {
      const ready = await Promise.all(models.map(({ name, version }) => client.modelReady(name, version)));
      return { address, missing: models.filter((_, i) => !ready[i]) };
    } catch (error) {
      this.router.recordProbe(address, false);
      return { address, error: (error as Error).message };
    }
  }
}
