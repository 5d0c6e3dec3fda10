import { join } from 'node:path';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/grpc_service';

/** protos/ at the repository root: three levels up from both src/ (tests) and dist/ (built code). */
const PROTO_DIR = join(__dirname, '..', '..', '..', 'protos');

// The runtime decoding must produce the shapes the generated types describe, so these are the
// options the type generator runs with (package.json, "generate").
const LOADER_OPTIONS = {
  includeDirs: [PROTO_DIR],
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

export type InferenceServiceConstructor = ProtoGrpcType['inference']['GRPCInferenceService'];

let loaded: InferenceServiceConstructor | undefined;

/** The client class of inference.GRPCInferenceService, parsed from protos/ once per process. */
export function inferenceService(): InferenceServiceConstructor {
  if (!loaded) {
    const definition = loadSync('grpc_service.proto', LOADER_OPTIONS);
    loaded = (loadPackageDefinition(definition) as unknown as ProtoGrpcType).inference.GRPCInferenceService;
  }
  return loaded;
}
