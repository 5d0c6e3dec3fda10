import { join } from 'node:path';
import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ServiceConfig } from '@claims-mesh/platform';

/** A number from the environment within [min, max]. */
function Bounded(min: number, max = Number.MAX_SAFE_INTEGER): PropertyDecorator {
  return applyDecorators(Type(() => Number), IsNumber(), Min(min), Max(max));
}

export class RolloutConfig extends ServiceConfig {
  /** The model family this controller rolls out: the key of its records in models.rollout.v1. */
  @Matches(/^[A-Za-z0-9_.-]+$/)
  MODEL_FAMILY = 'fraud';

  /** Triton model names of a version's student and teacher (trained, loaded and rolled out together). */
  @IsString()
  STUDENT_MODEL = 'fraud_student';

  @IsString()
  TEACHER_MODEL = 'fraud_teacher';

  /**
   * The routing the family's gateways use while the topic has no record of it: the gateway's own
   * bootstrap environment (MODEL_VERSION, UNCERTAIN_LOW/HIGH), which must be given the same here.
   */
  @Matches(/^[0-9]+$/)
  MODEL_VERSION = '1';

  @Bounded(0, 1)
  UNCERTAIN_LOW = 0.3;

  @Bounded(0, 1)
  UNCERTAIN_HIGH = 0.7;

  /** Triton's live model repository (<model>/<version>/ with each version's card and drift reference). */
  @IsString()
  @IsNotEmpty({ message: 'TRITON_MODEL_REPOSITORY must name the live Triton model repository' })
  TRITON_MODEL_REPOSITORY!: string;

  /** MLflow's tracking server, where every step is recorded on the versions; empty = not recorded. */
  @IsOptional()
  @Matches(/^(https?:\/\/.+)?$/)
  MLFLOW_URL = 'http://127.0.0.1:5000';

  /** Share of claims the canary scores. */
  @Bounded(0.001, 0.5)
  CANARY_WEIGHT = 0.1;

  @Bounded(1)
  SHADOW_MIN_CLAIMS = 2000;

  @Bounded(1)
  CANARY_MIN_CLAIMS = 500;

  @Bounded(1)
  MIN_LABELS = 100;

  @Bounded(0, 1)
  AUC_MARGIN = 0.01;

  @Bounded(0, 1)
  BRIER_MARGIN = 0.01;

  @Bounded(0, 1)
  MIN_AGREEMENT = 0.9;

  @Bounded(0)
  MAX_SCORE_PSI = 0.1;

  @Bounded(1)
  MIN_REVIEWS = 20;

  @Bounded(0, 1)
  MAX_OVERRIDE_RATE_INCREASE = 0.1;

  @Bounded(1)
  MAX_LATENCY_RATIO = 3;

  @Bounded(0, 1)
  MAX_MISSING_SHARE = 0.05;

  @Bounded(1)
  MIN_OPERATIONAL_CLAIMS = 200;

  /** A shadow score counts as missing once its claim's main score is this old. */
  @Bounded(0)
  SHADOW_GRACE_MS = 10_000;

  /** Claims kept as one stage's evidence. */
  @Bounded(1000)
  EVIDENCE_MAX_CLAIMS = 200_000;

  /** How often the stage is judged (a bad canary is rolled back within about this). */
  @Bounded(100)
  EVALUATION_INTERVAL_MS = 1000;

  /** How often the model repository is looked at for a new candidate. */
  @Bounded(100)
  CANDIDATE_POLL_MS = 5000;

  /** Drift of the primary's inputs against its training rows: the PSI above which a feature drifts... */
  @Bounded(0)
  DRIFT_PSI_THRESHOLD = 0.25;

  /** ...over the latest claims (a sliding window)... */
  @Bounded(100)
  DRIFT_WINDOW_CLAIMS = 2000;

  /** ...and how long it must stay above before retraining is started. */
  @Bounded(0)
  DRIFT_PERSIST_SECONDS = 900;

  /** Retrain when drift persists. */
  @Transform(({ value }) => value === true || value === 'true')
  @IsBoolean()
  RETRAIN_ON_DRIFT = true;

  /** What retraining runs (train, register, load on every shard): `make retrain`'s script. */
  @IsString()
  RETRAIN_COMMAND = join(__dirname, '..', '..', '..', 'infra', 'local', 'mlflow', 'retrain.sh');

  /** After a retraining, drift does not start another for this long. */
  @Bounded(0)
  RETRAIN_COOLDOWN_SECONDS = 3600;
}
