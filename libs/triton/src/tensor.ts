// KServe v2 raw tensor bytes: the elements of a tensor, row-major, without padding, each in
// little-endian byte order whatever the host's order. DataView reads and writes them that way
// and, unlike a Float32Array view, works on buffers at any byte offset (gRPC hands out slices
// of larger buffers).

const FP32_BYTES = 4;

/** A batch of rows (row-major, batchSize x featureCount values) as raw FP32 tensor bytes. */
export function packFp32Rows(rows: Float32Array, batchSize: number, featureCount: number): Buffer {
  assertPositiveInteger('batchSize', batchSize);
  assertPositiveInteger('featureCount', featureCount);
  if (rows.length !== batchSize * featureCount) {
    throw new RangeError(
      `rows holds ${rows.length} values, but a batch of ${batchSize} rows of ${featureCount} features needs ${batchSize * featureCount}`,
    );
  }
  const bytes = Buffer.allocUnsafe(rows.length * FP32_BYTES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < rows.length; i++) view.setFloat32(i * FP32_BYTES, rows[i], true);
  return bytes;
}

/** Raw FP32 tensor bytes as values; `count` is how many the tensor's shape says there are. */
export function unpackFp32(bytes: Uint8Array, count: number): Float32Array {
  if (bytes.byteLength !== count * FP32_BYTES) {
    throw new RangeError(
      `expected ${count} FP32 values (${count * FP32_BYTES} bytes), got ${bytes.byteLength} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * FP32_BYTES, true);
  return values;
}

/** Number of elements of a tensor of this shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
}
