import { type CallOptions as GrpcCallOptions, type requestCallback } from '@grpc/grpc-js';
import type { GRPCInferenceServiceClient } from './generated/inference/GRPCInferenceService';
import type { ModelInferRequest } from './generated/inference/ModelInferRequest';
import type { ModelInferResponse__Output } from './generated/inference/ModelInferResponse';
import type { ModelMetadataResponse__Output } from './generated/inference/ModelMetadataResponse';
import type { ModelReadyResponse__Output } from './generated/inference/ModelReadyResponse';
import type { ServerLiveResponse__Output } from './generated/inference/ServerLiveResponse';
import type { ServerReadyResponse__Output } from './generated/inference/ServerReadyResponse';
import { channelCredentials, channelOptions, type TritonClientOptions } from './channel-options';
import { fraudModelIo } from './fraud-model-io';
import { inferenceService } from './inference-service';
import { elementCount, packFp32Rows, unpackFp32 } from './tensor';
import { unaryCall, type CallOptions } from './unary-call';

export type { CallOptions } from './unary-call';

export type ModelMetadata = ModelMetadataResponse__Output;

export interface InferResult {
  /** The model and version that answered, as the server reports them. */
  modelName: string;
  modelVersion: string;
  /** Shape of the output tensor, [batchSize, ...]. */
  shape: number[];
  /** The output tensor's values, row-major: for the fraud models one probability per row. */
  values: Float32Array;
}

/** One Triton server (one shard) over one gRPC channel. */
export class TritonClient {
  readonly address: string;
  private readonly stub: GRPCInferenceServiceClient;
  private readonly timeoutMs: number;
  private readonly inputName: string;
  private readonly outputName: string;

  constructor(options: TritonClientOptions) {
    const Service = inferenceService();
    this.address = options.address;
    this.stub = new Service(options.address, channelCredentials(options), channelOptions(options));
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.inputName = options.inputName ?? fraudModelIo().input.name;
    this.outputName = options.outputName ?? fraudModelIo().output.name;
  }

  async serverLive(options?: CallOptions): Promise<boolean> {
    const response = await this.unary<ServerLiveResponse__Output>('ServerLive', options, (o, done) =>
      this.stub.ServerLive({}, o, done),
    );
    return response.live;
  }

  async serverReady(options?: CallOptions): Promise<boolean> {
    const response = await this.unary<ServerReadyResponse__Output>('ServerReady', options, (o, done) =>
      this.stub.ServerReady({}, o, done),
    );
    return response.ready;
  }

  async modelReady(name: string, version: string, options?: CallOptions): Promise<boolean> {
    const response = await this.unary<ModelReadyResponse__Output>('ModelReady', options, (o, done) =>
      this.stub.ModelReady({ name, version }, o, done),
    );
    return response.ready;
  }

  modelMetadata(name: string, version: string, options?: CallOptions): Promise<ModelMetadata> {
    return this.unary<ModelMetadata>('ModelMetadata', options, (o, done) =>
      this.stub.ModelMetadata({ name, version }, o, done),
    );
  }

  /**
   * Scores a batch: `rows` holds batchSize rows of featureCount FP32 values, row-major. They
   * travel as raw_input_contents, which spares a protobuf field per value.
   */
  async infer(
    model: string,
    version: string,
    rows: Float32Array,
    batchSize: number,
    featureCount: number,
    options?: CallOptions,
  ): Promise<InferResult> {
    const request: ModelInferRequest = {
      modelName: model,
      modelVersion: version,
      inputs: [{ name: this.inputName, datatype: 'FP32', shape: [batchSize, featureCount] }],
      outputs: [{ name: this.outputName }],
      rawInputContents: [packFp32Rows(rows, batchSize, featureCount)],
    };
    const response = await this.unary<ModelInferResponse__Output>('ModelInfer', options, (o, done) =>
      this.stub.ModelInfer(request, o, done),
    );
    return this.outputOf(response, batchSize);
  }

  close(): void {
    this.stub.close();
  }

  private outputOf(response: ModelInferResponse__Output, batchSize: number): InferResult {
    const index = response.outputs.findIndex((output) => output.name === this.outputName);
    const output = response.outputs[index];
    const raw = response.rawOutputContents[index];
    const problem =
      !output || !raw
        ? `no raw output tensor ${this.outputName}`
        : output.datatype !== 'FP32'
          ? `output ${this.outputName} is ${output.datatype}, not FP32`
          : output.shape[0] !== batchSize
            ? `output ${this.outputName} has shape [${output.shape.join(', ')}] for a batch of ${batchSize}`
            : undefined;
    if (problem) throw new Error(`Triton ModelInfer on ${this.address}: ${problem}`);
    return {
      modelName: response.modelName,
      modelVersion: response.modelVersion,
      shape: output.shape,
      values: unpackFp32(raw, elementCount(output.shape)),
    };
  }

  private unary<T>(
    method: string,
    options: CallOptions | undefined,
    invoke: (callOptions: GrpcCallOptions, callback: requestCallback<T>) => void,
  ): Promise<T> {
    return unaryCall(method, this.address, options?.deadline ?? Date.now() + this.timeoutMs, invoke);
  }
}
