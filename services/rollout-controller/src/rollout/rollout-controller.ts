import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  AvroSerde,
  MODEL_ROLLOUT_TOPIC,
  modelRollout,
  type ClaimDecided,
  type ClaimScored,
  type ModelRollout,
  type ReviewCompleted,
  type RolloutStage,
} from '@claims-mesh/contracts';
import { CompactedTopicTable, KafkaConnectionOptions, KafkaPublisher, publishRollout, readRollout } from '@claims-mesh/kafka';
import { KAFKA_CONNECTION, ReadinessCheck, ReadinessChecks, ReadinessResult } from '@claims-mesh/platform';
import { fraudModelInput, fraudModelIo } from '@claims-mesh/triton';
import { RolloutConfig } from '../config';
import { InputDrift, type InputRow } from '../drift/input-drift';
import { judge, type GateSettings, type Verdict } from '../evaluation/stage-gate';
import { StageEvidence, type Score } from '../evidence/stage-evidence';
import { ControllerMetrics } from '../metrics/controller-metrics';
import { ModelRepository } from '../models/model-repository';
import { MlflowRegistry } from '../registry/mlflow-registry';
import { Retrainer } from '../retraining/retrainer';

const DECIDED_BY = 'rollout-controller';
/** How long start-up waits to have read the rollout topic before judging anything. */
const STARTUP_READ_MS = 10_000;

/**
 * Moves the family's candidate version through SHADOW -> CANARY -> PRIMARY, or rolls it back,
 * by publishing each step to models.rollout.v1 (the gateways apply it as it arrives) and
 * recording it in MLflow. Its stage comes from that topic, so a restarted controller carries
 * on where the last one stopped; its evidence (the claims scored since the stage began, with
 * their labels) is gathered again from the claims it consumes.
 *
 * Each tick (EVALUATION_INTERVAL_MS) it judges a candidate in SHADOW or CANARY (stage-gate.ts);
 * with none in flight it proposes the next version found in the model repository as a shadow,
 * and starts a retraining when the primary's inputs have drifted for DRIFT_PERSIST_SECONDS.
 */
@Injectable()
export class RolloutController implements OnModuleInit, OnApplicationShutdown, ReadinessCheck {
  readonly name = 'rollout';
  private readonly logger = new Logger(RolloutController.name);
  private readonly repository: ModelRepository;
  private readonly registry: MlflowRegistry | undefined;
  private readonly retrainer: Retrainer;
  private readonly gates: GateSettings;
  private table: CompactedTopicTable<ModelRollout> | undefined;
  /** The step this controller published and has not yet read back from the topic. */
  private published: ModelRollout | undefined;
  private evidence: { eventId: string; evidence: StageEvidence } | undefined;
  private drift: InputDrift | undefined;
  private lastRetrainAt = Number.NEGATIVE_INFINITY;
  private lastCandidateLook = Number.NEGATIVE_INFINITY;
  private started = false;
  private ticking = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: RolloutConfig,
    @Inject(KAFKA_CONNECTION) private readonly connection: KafkaConnectionOptions,
    private readonly serde: AvroSerde,
    private readonly publisher: KafkaPublisher,
    private readonly metrics: ControllerMetrics,
    private readonly checks: ReadinessChecks,
  ) {
    this.repository = new ModelRepository(config.TRITON_MODEL_REPOSITORY, [config.STUDENT_MODEL, config.TEACHER_MODEL]);
    this.registry = config.MLFLOW_URL ? new MlflowRegistry(config.MLFLOW_URL, config.MODEL_FAMILY) : undefined;
    this.retrainer = new Retrainer(config.RETRAIN_COMMAND);
    this.gates = {
      shadowMinClaims: config.SHADOW_MIN_CLAIMS,
      canaryMinClaims: config.CANARY_MIN_CLAIMS,
      minLabels: config.MIN_LABELS,
      aucMargin: config.AUC_MARGIN,
      brierMargin: config.BRIER_MARGIN,
      minAgreement: config.MIN_AGREEMENT,
      maxScorePsi: config.MAX_SCORE_PSI,
      minReviews: config.MIN_REVIEWS,
      maxOverrideRateIncrease: config.MAX_OVERRIDE_RATE_INCREASE,
      maxLatencyRatio: config.MAX_LATENCY_RATIO,
      maxMissingShare: config.MAX_MISSING_SHARE,
      minOperationalClaims: config.MIN_OPERATIONAL_CLAIMS,
    };
  }

  async onModuleInit(): Promise<void> {
    this.checks.register(this);
    this.table = CompactedTopicTable.open({
      connection: this.connection,
      topic: MODEL_ROLLOUT_TOPIC,
      read: (bytes, key) => readRollout(this.serde, bytes, key),
      onChange: () => undefined,
      onRetry: (error, delayMs) => this.logger.warn(`${MODEL_ROLLOUT_TOPIC}: ${error.message}; retrying in ${delayMs} ms`),
    });
    // In the background: Nest's hybrid application starts the consumer before init hooks end.
    void this.table.caughtUp(STARTUP_READ_MS).then((caughtUp) => {
      if (!caughtUp) this.logger.warn(`${MODEL_ROLLOUT_TOPIC} not read to its end within ${STARTUP_READ_MS} ms; going on with what was read`);
      const current = this.current();
      this.logger.log(`${this.config.MODEL_FAMILY}: ${current.stage}, primary ${current.primaryVersion}, candidate ${current.candidateVersion ?? 'none'}`);
      this.metrics.setStage(this.config.MODEL_FAMILY, current.stage, current.candidateVersion, current.decidedAt);
      this.started = true;
      this.timer = setInterval(() => void this.tick(), this.config.EVALUATION_INTERVAL_MS);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.table?.close();
  }

  async check(): Promise<ReadinessResult> {
    const current = this.current();
    return {
      ready: this.started,
      details: {
        family: this.config.MODEL_FAMILY,
        stage: current.stage,
        primaryVersion: current.primaryVersion,
        candidateVersion: current.candidateVersion,
        reason: current.reason,
        retraining: this.retrainer.busy,
      },
    };
  }

  /** The family's routing now: the step this controller just published, else the topic's, else the gateways' bootstrap. */
  current(): ModelRollout {
    const fromTopic = this.table?.get(this.config.MODEL_FAMILY);
    if (this.published && fromTopic?.eventId !== this.published.eventId) return this.published;
    this.published = undefined;
    return fromTopic ?? this.bootstrap();
  }

  // The claims' outcomes, from the consumer (outcomes.controller.ts).

  scored(claim: ClaimScored, now: number): void {
    const score = scoreOf(claim);
    this.stageEvidence()?.scored(claim.claimId, score, now);
    if (this.drift && score.version === this.drift.version && claim.route !== 'CANARY') this.drift.add(inputRow(claim));
  }

  shadowScored(claim: ClaimScored, now: number): void {
    this.stageEvidence()?.shadowScored(claim.claimId, scoreOf(claim), now);
  }

  reviewed(review: ReviewCompleted): void {
    this.stageEvidence()?.labelled(review.claimId, review.outcome === 'REJECT' ? 1 : 0);
  }

  decided(decision: ClaimDecided): void {
    if (decision.final && decision.reviewerOverrode !== null) this.stageEvidence()?.reviewed(decision.claimId, decision.reviewerOverrode);
  }

  /** One round: judge the candidate in flight, or look for one; watch drift. Exposed for tests of a single round. */
  async tick(now = Date.now()): Promise<void> {
    if (this.ticking || !this.started) return;
    this.ticking = true;
    try {
      const current = this.current();
      await this.followPrimary(current.primaryVersion);
      if ((current.stage === 'SHADOW' || current.stage === 'CANARY') && current.candidateVersion) {
        await this.judgeCandidate(current, current.stage, current.candidateVersion, now);
      } else {
        this.metrics.clearJudgement();
        // A retraining in progress has its candidate in the repository before every shard has loaded it.
        if (!this.retrainer.busy && now - this.lastCandidateLook >= this.config.CANDIDATE_POLL_MS) {
          this.lastCandidateLook = now;
          await this.proposeCandidate(current);
        }
      }
      this.watchDrift(this.current(), now);
    } catch (error) {
      this.logger.error(`rollout round failed: ${(error as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private async judgeCandidate(current: ModelRollout, stage: 'SHADOW' | 'CANARY', candidate: string, now: number): Promise<void> {
    const evidence = this.stageEvidence() as StageEvidence;
    const summary = evidence.summary(now, this.config.SHADOW_GRACE_MS);
    const { verdict, figures } = judge(stage, summary, { low: current.uncertainLow, high: current.uncertainHigh }, this.gates);
    this.metrics.judged(this.config.MODEL_FAMILY, candidate, figures, {
      pairs: figures.pairs,
      labelled_pairs: figures.labelledPairs,
      canary: summary.candidateClaims,
      primary: summary.primaryClaims,
      canary_reviews: summary.candidateReviews.reviews,
    });
    if (verdict.action === 'hold') return;
    await this.publish(this.next(current, stage, candidate, verdict));
  }

  /** The step a verdict leads to from SHADOW or CANARY. */
  private next(current: ModelRollout, stage: 'SHADOW' | 'CANARY', candidate: string, verdict: Verdict): Omit<ModelRollout, 'eventId' | 'decidedAt' | 'decidedBy' | 'family'> {
    const band = { uncertainLow: current.uncertainLow, uncertainHigh: current.uncertainHigh };
    const reason = `${stage.toLowerCase()} of ${candidate}: ${verdict.reason}`;
    if (verdict.action === 'rollback') {
      return { ...band, primaryVersion: current.primaryVersion, canary: null, shadowVersion: null, stage: 'ROLLED_BACK', candidateVersion: candidate, reason };
    }
    if (stage === 'SHADOW') {
      // The candidate stays the shadow during canary: the claims outside the canary keep giving same-claim comparisons.
      return {
        ...band,
        primaryVersion: current.primaryVersion,
        canary: { version: candidate, weight: this.config.CANARY_WEIGHT },
        shadowVersion: candidate,
        stage: 'CANARY',
        candidateVersion: candidate,
        reason,
      };
    }
    return { ...band, primaryVersion: candidate, canary: null, shadowVersion: null, stage: 'PRIMARY', candidateVersion: candidate, reason };
  }

  /** With no candidate in flight: the lowest version in the repository above the primary and the last candidate becomes the shadow. */
  private async proposeCandidate(current: ModelRollout): Promise<void> {
    const floor = Math.max(Number(current.primaryVersion), Number(current.candidateVersion ?? 0));
    const candidate = (await this.repository.versions()).find((version) => version > floor);
    if (candidate === undefined) return;
    await this.publish({
      primaryVersion: current.primaryVersion,
      canary: null,
      shadowVersion: String(candidate),
      uncertainLow: current.uncertainLow,
      uncertainHigh: current.uncertainHigh,
      stage: 'SHADOW',
      candidateVersion: String(candidate),
      reason: `new version ${candidate} in the model repository (primary ${current.primaryVersion}): shadow first`,
    });
  }

  private watchDrift(current: ModelRollout, now: number): void {
    if (!this.drift) return;
    const { drifting, since, all } = this.drift.check(now);
    this.metrics.setDrift(this.config.MODEL_FAMILY, this.drift.version, all);
    if (since === undefined || !this.config.RETRAIN_ON_DRIFT) return;
    const inFlight = current.stage === 'SHADOW' || current.stage === 'CANARY';
    const persisted = now - since >= this.config.DRIFT_PERSIST_SECONDS * 1000;
    const cooled = now - this.lastRetrainAt >= this.config.RETRAIN_COOLDOWN_SECONDS * 1000;
    if (!persisted || inFlight || !cooled || this.retrainer.busy) return;
    this.lastRetrainAt = now;
    const worst = drifting.map((f) => `${f.feature} ${f.psi.toFixed(2)}`).join(', ');
    const reason = `inputs of primary ${current.primaryVersion} drifted for ${Math.round((now - since) / 1000)}s (PSI ${worst}; threshold ${this.config.DRIFT_PSI_THRESHOLD})`;
    void this.retrainer.start(reason, { RETRAIN_PARENT_VERSION: current.primaryVersion }).then((outcome) => {
      this.metrics.retrained(this.config.MODEL_FAMILY, outcome);
      this.lastCandidateLook = Number.NEGATIVE_INFINITY; // look for its candidate at the next round
    });
  }

  /** Drift is measured against the reference recorded with the primary: a new primary, a new window. */
  private async followPrimary(primary: string): Promise<void> {
    if (this.drift?.version === primary) return;
    try {
      const reference = this.repository.driftReference(primary);
      this.drift = new InputDrift(reference, primary, this.config.DRIFT_WINDOW_CLAIMS, this.config.DRIFT_PSI_THRESHOLD);
    } catch (error) {
      this.drift = undefined;
      this.logger.warn(`no drift reference for primary ${primary}: ${(error as Error).message}`);
    }
  }

  /** The evidence of the stage in flight (a new one per rollout step), or none outside SHADOW and CANARY. */
  private stageEvidence(): StageEvidence | undefined {
    const current = this.current();
    if ((current.stage !== 'SHADOW' && current.stage !== 'CANARY') || !current.candidateVersion) return undefined;
    if (this.evidence?.eventId !== current.eventId) {
      this.evidence = {
        eventId: current.eventId,
        evidence: new StageEvidence(current.primaryVersion, current.candidateVersion, this.config.EVIDENCE_MAX_CLAIMS),
      };
    }
    return this.evidence.evidence;
  }

  private async publish(step: Omit<ModelRollout, 'eventId' | 'decidedAt' | 'decidedBy' | 'family'>): Promise<void> {
    const rollout = modelRollout({ ...step, family: this.config.MODEL_FAMILY, decidedBy: DECIDED_BY });
    await publishRollout(this.publisher, rollout);
    this.published = rollout;
    this.metrics.transitioned(rollout.family, rollout.stage);
    this.metrics.setStage(rollout.family, rollout.stage, rollout.candidateVersion, rollout.decidedAt);
    this.logger.log(`${rollout.family} -> ${rollout.stage} (candidate ${rollout.candidateVersion}, primary ${rollout.primaryVersion}): ${rollout.reason}`);
    await this.recordInRegistry(rollout);
  }

  /** MLflow's record of the step, on the candidate's student and teacher; a registry outage never holds a rollback back. */
  private async recordInRegistry(rollout: ModelRollout): Promise<void> {
    if (!this.registry || !rollout.candidateVersion) return;
    for (const model of [this.config.STUDENT_MODEL, this.config.TEACHER_MODEL]) {
      try {
        const key = await this.repository.trainingKey(model, rollout.candidateVersion);
        const registered = await this.registry.find(model, key);
        if (!registered) {
          this.logger.warn(`${model} v${rollout.candidateVersion} is not registered in MLflow (training key ${key}): step not recorded there`);
          continue;
        }
        await this.registry.record(registered, rollout);
      } catch (error) {
        this.logger.warn(`recording ${rollout.stage} of ${model} v${rollout.candidateVersion} in MLflow failed: ${(error as Error).message}`);
      }
    }
  }

  private bootstrap(): ModelRollout {
    return modelRollout({
      family: this.config.MODEL_FAMILY,
      primaryVersion: this.config.MODEL_VERSION,
      canary: null,
      shadowVersion: null,
      uncertainLow: this.config.UNCERTAIN_LOW,
      uncertainHigh: this.config.UNCERTAIN_HIGH,
      stage: 'BOOTSTRAP' satisfies RolloutStage,
      candidateVersion: null,
      reason: 'no record of the family yet: the gateways bootstrap routing',
      decidedBy: 'environment',
      decidedAt: 0,
    });
  }

}

function scoreOf(claim: ClaimScored): Score {
  return { version: claim.model.version, probability: claim.fraudProbability, latencyMs: claim.tritonLatencyMs };
}

/** The claim's model input by feature name: the row the gateway sent for it. */
function inputRow(claim: ClaimScored): InputRow {
  const values = fraudModelInput(claim);
  return Object.fromEntries(fraudModelIo().features.map((column, i) => [column.name, values[i]]));
}
