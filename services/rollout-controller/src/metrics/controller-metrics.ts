import { Injectable } from '@nestjs/common';
import type { RolloutStage } from '@claims-mesh/contracts';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Figures } from '../evaluation/stage-gate';
import type { FeatureDrift } from '../drift/input-drift';
import type { RetrainOutcome } from '../retraining/retrainer';

/** The gate's figures exported as gauges, by the name of Figures' field. */
const GATE_FIGURES: (keyof Figures)[] = ['agreement', 'scorePsi', 'primaryAuc', 'candidateAuc', 'primaryOverrideRate', 'candidateOverrideRate', 'latencyRatio', 'missingShare'];

/**
 * What the controller decided and on what: the stage the family's candidate is in and since
 * when (an alert fires on one stuck there), every transition (a rollback alerts), the figures
 * of the last judgement (shadow agreement among them), the primary's input drift and retrainings.
 */
@Injectable()
export class ControllerMetrics {
  private readonly stageSince: Gauge<'family' | 'stage' | 'candidate'>;
  private readonly transitions: Counter<'family' | 'stage'>;
  private readonly figures: Gauge<'family' | 'candidate' | 'figure'>;
  private readonly evidence: Gauge<'family' | 'candidate' | 'kind'>;
  private readonly drift: Gauge<'family' | 'version' | 'feature'>;
  private readonly retrains: Counter<'family' | 'outcome'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.stageSince = new Gauge({
      name: 'rollout_stage_since_timestamp_seconds',
      help: 'When the family entered its current rollout stage (one series: the current stage and candidate)',
      labelNames: ['family', 'stage', 'candidate'],
      registers,
    });
    this.transitions = new Counter({ name: 'rollout_transitions_total', help: 'Rollout steps the controller published, by the stage entered', labelNames: ['family', 'stage'], registers });
    this.figures = new Gauge({
      name: 'rollout_gate_figure',
      help: "The last judgement's figures of the candidate against the primary on the same claims (agreement, score PSI, AUCs, override rates, latency ratio, missing share)",
      labelNames: ['family', 'candidate', 'figure'],
      registers,
    });
    this.evidence = new Gauge({ name: 'rollout_evidence_claims', help: "Claims in the current stage's evidence, by kind", labelNames: ['family', 'candidate', 'kind'], registers });
    this.drift = new Gauge({
      name: 'model_input_drift_psi',
      help: "PSI of the primary's recent inputs against the training rows recorded with it (drift-reference.json), per feature",
      labelNames: ['family', 'version', 'feature'],
      registers,
    });
    this.retrains = new Counter({ name: 'rollout_retrains_total', help: 'Retrainings the controller started, by outcome', labelNames: ['family', 'outcome'], registers });
  }

  /** The current stage; `since` in ms. Earlier stages' series go, so only one is ever exported. */
  setStage(family: string, stage: RolloutStage, candidate: string | null, since: number): void {
    this.stageSince.reset();
    this.stageSince.set({ family, stage, candidate: candidate ?? '' }, since / 1000);
  }

  transitioned(family: string, stage: RolloutStage): void {
    this.transitions.inc({ family, stage });
  }

  judged(family: string, candidate: string, figures: Figures, counts: Record<string, number>): void {
    this.figures.reset();
    for (const figure of GATE_FIGURES) {
      const value = figures[figure];
      if (value !== undefined) this.figures.set({ family, candidate, figure }, value);
    }
    this.evidence.reset();
    for (const [kind, count] of Object.entries(counts)) this.evidence.set({ family, candidate, kind }, count);
  }

  /** The stage has no candidate to judge: its figures go. */
  clearJudgement(): void {
    this.figures.reset();
    this.evidence.reset();
  }

  setDrift(family: string, version: string, features: FeatureDrift[]): void {
    this.drift.reset();
    for (const { feature, psi } of features) this.drift.set({ family, version, feature }, psi);
  }

  retrained(family: string, outcome: RetrainOutcome): void {
    this.retrains.inc({ family, outcome });
  }
}
