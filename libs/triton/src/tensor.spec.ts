import { elementCount, packFp32Rows, unpackFp32 } from './tensor';

describe('packFp32Rows', () => {
  it('lays the rows out row-major as little-endian FP32, four bytes per value', () => {
    const rows = new Float32Array([1.5, -2, 0.25, 1e6, -0, 3]);
    const bytes = packFp32Rows(rows, 2, 3);
    expect(bytes).toHaveLength(24);
    for (let i = 0; i < rows.length; i++) expect(bytes.readFloatLE(i * 4)).toBe(rows[i]);
  });

  it('writes the bytes of a known value in little-endian order', () => {
    // 1.0 is 0x3F800000: little-endian puts the low byte first.
    expect([...packFp32Rows(new Float32Array([1]), 1, 1)]).toEqual([0x00, 0x00, 0x80, 0x3f]);
  });

  it('packs only the rows of a Float32Array that views part of a larger buffer', () => {
    const backing = new Float32Array([9, 9, 4, 5, 6, 7, 9]);
    const rows = backing.subarray(2, 6);
    expect([...unpackFp32(packFp32Rows(rows, 2, 2), 4)]).toEqual([4, 5, 6, 7]);
  });

  it('copies the values, so changing the rows afterwards does not change the request', () => {
    const rows = new Float32Array([1, 2]);
    const bytes = packFp32Rows(rows, 1, 2);
    rows[0] = 42;
    expect(bytes.readFloatLE(0)).toBe(1);
  });

  it('refuses rows whose length is not batchSize x featureCount', () => {
    expect(() => packFp32Rows(new Float32Array(12), 2, 5)).toThrow(
      /12 values.*2 rows of 5 features needs 10/,
    );
  });

  it('refuses a batch size or feature count that is not a positive integer', () => {
    expect(() => packFp32Rows(new Float32Array(0), 0, 13)).toThrow(/batchSize must be a positive integer/);
    expect(() => packFp32Rows(new Float32Array(3), 1.5, 2)).toThrow(/batchSize must be a positive integer/);
    expect(() => packFp32Rows(new Float32Array(3), 3, 0)).toThrow(/featureCount must be a positive integer/);
  });
});

describe('unpackFp32', () => {
  it('reads little-endian FP32 values', () => {
    const bytes = Buffer.alloc(8);
    bytes.writeFloatLE(0.75, 0);
    bytes.writeFloatLE(-3.5, 4);
    expect([...unpackFp32(bytes, 2)]).toEqual([0.75, -3.5]);
  });

  it('reads from a buffer that starts at an odd byte offset', () => {
    const backing = Buffer.alloc(9);
    backing.writeFloatLE(0.5, 1);
    backing.writeFloatLE(0.125, 5);
    expect([...unpackFp32(backing.subarray(1), 2)]).toEqual([0.5, 0.125]);
  });

  it('refuses bytes that do not hold exactly count values', () => {
    expect(() => unpackFp32(Buffer.alloc(10), 2)).toThrow(/expected 2 FP32 values \(8 bytes\), got 10 bytes/);
  });
});

describe('elementCount', () => {
  it('multiplies the dimensions of a shape', () => {
    expect(elementCount([64, 1])).toBe(64);
    expect(elementCount([256, 13])).toBe(3328);
  });
});
