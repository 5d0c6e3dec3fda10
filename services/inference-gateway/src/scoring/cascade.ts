import { Injectable } from '@nestjs/common';
import type { ModelRef } from '@claims-mesh/contracts';
import { Batchers } from '../batching/batchers';
import { GatewayConfig } from '../config';
import { isUncertain, type Routing } from '../rollout/routing';

/** A claim's final score from one version's cascade. */
export interface CascadeScore {
  model: ModelRef;
  /** Whether the teacher gave the final score. */
  escalated: boolean;
  shard: string;
  fraudProbability: number;
  /** The student's probability when the teacher gave the final score. */
  studentProbability: number | null;
  batchSize: number;
  tritonLatencyMs: number;
}

/**
 * The distillation cascade of one version: the student scores the claim; when its probability
 * falls in the band, the teacher of the same version scores it again and its score is final.
 * The main path and the shadow both go through it (on their own batchers' lane).
 */
@Injectable()
export class Cascade {
  constructor(
    private readonly config: GatewayConfig,
    private readonly batchers: Batchers,
  ) {}

  async score(row: Float32Array, version: string, band: Routing['band'], lane: 'main' | 'shadow' = 'main'): Promise<CascadeScore> {
    const student = await this.batchers.of(this.config.STUDENT_MODEL, version, lane).score(row);
    if (!isUncertain(band, student.value)) {
      return {
        model: { name: this.config.STUDENT_MODEL, version },
        escalated: false,
        shard: student.shard,
        fraudProbability: student.value,
        studentProbability: null,
        batchSize: student.batchSize,
        tritonLatencyMs: student.tritonLatencyMs,
      };
    }
    const teacher = await this.batchers.of(this.config.TEACHER_MODEL, version, lane).score(row);
    return {
      model: { name: this.config.TEACHER_MODEL, version },
      escalated: true,
      shard: teacher.shard,
      fraudProbability: teacher.value,
      studentProbability: student.value,
      batchSize: teacher.batchSize,
      tritonLatencyMs: teacher.tritonLatencyMs,
    };
  }
}
