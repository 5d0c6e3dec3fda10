import type { GRPCInferenceServiceClient } from './generated/inference/GRPCInferenceService';
import type { RepositoryIndexResponse__Output } from './generated/inference/RepositoryIndexResponse';
import type { RepositoryModelLoadResponse__Output } from './generated/inference/RepositoryModelLoadResponse';
import type { RepositoryModelUnloadResponse__Output } from './generated/inference/RepositoryModelUnloadResponse';
import { channelCredentials, channelOptions, type TritonClientOptions } from './channel-options';
import { inferenceService } from './inference-service';
import { unaryCall, type CallOptions } from './unary-call';

/** One version of a model as the server's repository index lists it. */
export interface RepositoryEntry {
  name: string;
  version: string;
  /** e.g. READY, LOADING, UNLOADING, UNAVAILABLE. */
  state: string;
  /** Why the version is in that state (a load error, "unloaded"); empty when nothing is to say. */
  reason: string;
}

export interface RepositoryClientOptions extends TritonClientOptions {
  /**
   * Deadline of a load or unload, which answers only once the server is done: a Python-backend
   * model starts a process per version. Default 120000. (timeoutMs covers the index, default 5000.)
   */
  loadTimeoutMs?: number;
}

/**
 * The model repository extension of one Triton server (one shard): the index of its repository,
 * and loading and unloading models, which a server in explicit model-control mode takes at run
 * time. A failure is a TritonError naming the call and the server, e.g. "Triton
 * RepositoryModelLoad on 127.0.0.1:8001 failed: INTERNAL: failed to load 'fraud_student' ...".
 */
export class TritonRepositoryClient {
  readonly address: string;
  private readonly stub: GRPCInferenceServiceClient;
  private readonly timeoutMs: number;
  private readonly loadTimeoutMs: number;

  constructor(options: RepositoryClientOptions) {
    const Service = inferenceService();
    this.address = options.address;
    this.stub = new Service(options.address, channelCredentials(options), channelOptions(options));
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.loadTimeoutMs = options.loadTimeoutMs ?? 120_000;
  }

  /** Every version of every model the server knows of, loaded or not; `readyOnly` keeps the READY ones. */
  async index(readyOnly = false, options?: CallOptions): Promise<RepositoryEntry[]> {
    const deadline = options?.deadline ?? Date.now() + this.timeoutMs;
    const response = await unaryCall<RepositoryIndexResponse__Output>('RepositoryIndex', this.address, deadline, (o, done) =>
      this.stub.RepositoryIndex({ repositoryName: '', ready: readyOnly }, o, done),
    );
    return response.models.map(({ name, version, state, reason }) => ({ name, version, state, reason }));
  }

  /**
   * Loads `model` from the repository, or loads it again when it is loaded: the server then
   * serves the versions the model's directory and version policy name now, those added since
   * included, and stops serving those removed. Versions that stay keep serving while it loads.
   * Resolves once the load is over; a load that fails leaves what was loaded before as it was.
   */
  async load(model: string, options?: CallOptions): Promise<void> {
    const deadline = options?.deadline ?? Date.now() + this.loadTimeoutMs;
    await unaryCall<RepositoryModelLoadResponse__Output>('RepositoryModelLoad', this.address, deadline, (o, done) =>
      this.stub.RepositoryModelLoad({ repositoryName: '', modelName: model, parameters: {} }, o, done),
    );
  }

  /** Unloads every version of `model` (the protocol has no per-version unload). */
  async unload(model: string, options?: CallOptions): Promise<void> {
    const deadline = options?.deadline ?? Date.now() + this.loadTimeoutMs;
    await unaryCall<RepositoryModelUnloadResponse__Output>('RepositoryModelUnload', this.address, deadline, (o, done) =>
      this.stub.RepositoryModelUnload({ repositoryName: '', modelName: model, parameters: {} }, o, done),
    );
  }

  close(): void {
    this.stub.close();
  }
}
