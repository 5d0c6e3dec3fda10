import { binIndex, EMPTY_BIN_SHARE, histogram, psi, quantileEdges } from './psi';

describe('quantileEdges', () => {
  it('splits distinct values into equal shares', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantileEdges(values, 4)).toEqual([25, 50, 75]);
  });

  it('merges repeated edges, so few distinct values give few bins', () => {
    expect(quantileEdges([1, 1, 1, 1, 1, 1, 1, 1, 2, 3], 10)).toEqual([1, 2]);
    expect(quantileEdges([7, 7, 7, 7], 10)).toEqual([7]);
  });

  it('has no edges without values', () => {
    expect(quantileEdges([], 10)).toEqual([]);
  });
});

describe('binIndex', () => {
  const edges = [10, 20];

  it('puts a value equal to an edge in the bin the edge closes', () => {
    expect(binIndex(edges, 10)).toBe(0);
    expect(binIndex(edges, 20)).toBe(1);
  });

  it('puts values between edges in the bin above the lower edge', () => {
    expect(binIndex(edges, 10.5)).toBe(1);
  });

  it('puts values outside the edges in the outer bins', () => {
    expect(binIndex(edges, -1_000)).toBe(0);
    expect(binIndex(edges, 1_000)).toBe(2);
  });
});

describe('histogram', () => {
  it('counts values per bin, one bin more than edges', () => {
    expect(histogram([10, 20], [1, 10, 11, 20, 21, 99])).toEqual([2, 2, 2]);
  });
});

describe('psi', () => {
  it('is 0 for the same distribution, whatever the totals', () => {
    expect(psi([10, 20, 30], [1, 2, 3])).toBeCloseTo(0, 12);
  });

  it('sums (actual - expected) * ln(actual / expected) over bin shares', () => {
    const expected = 0.4 * Math.log(0.9 / 0.5) + -0.4 * Math.log(0.1 / 0.5);
    expect(psi([50, 50], [90, 10])).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(0.8789, 4);
  });

  it('gives an empty bin a small share instead of dividing by zero', () => {
    const value = psi([100, 0], [50, 50]);
    const expected =
      (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - EMPTY_BIN_SHARE) * Math.log(0.5 / EMPTY_BIN_SHARE);
    expect(value).toBeCloseTo(expected, 12);
    expect(Number.isFinite(value)).toBe(true);
  });

  it('is symmetric in which side moved', () => {
    expect(psi([70, 30], [30, 70])).toBeCloseTo(psi([30, 70], [70, 30]), 12);
  });

  it('rises as the actual distribution moves further away', () => {
    const reference = [25, 25, 25, 25];
    const slight = psi(reference, [30, 25, 25, 20]);
    const strong = psi(reference, [70, 20, 10, 0]);
    expect(slight).toBeLessThan(0.1);
    expect(strong).toBeGreaterThan(0.25);
  });

  it('refuses histograms of different bins', () => {
    expect(() => psi([1, 2], [1, 2, 3])).toThrow(/differ in bins/);
  });
});
