import { fraudModelInput, fraudModelIo } from './fraud-model-io';

describe('fraudModelInput', () => {
  const columns = fraudModelIo().features;
  /** Every column of `from` set to its position in the row, booleans to true at even positions. */
  function sourceFor(from: 'claim' | 'features'): Record<string, unknown> {
    return Object.fromEntries(
      columns.flatMap((column, i) => (column.from !== from ? [] : [[column.name, column.boolean ? i % 2 === 0 : i + 0.5]])),
    );
  }

  it('reads each column from the claim or the features, in feature-order.json order', () => {
    const row = fraudModelInput({ claim: sourceFor('claim'), features: sourceFor('features') });
    expect(row).toHaveLength(columns.length);
    columns.forEach((column, i) => expect(row[i]).toBe(column.boolean ? Number(i % 2 === 0) : i + 0.5));
  });

  it('sends booleans as 1 and 0', () => {
    const flags = columns.filter((column) => column.boolean).map((column) => column.name);
    expect(flags.length).toBeGreaterThan(0);
    const features = { ...sourceFor('features'), ...Object.fromEntries(flags.map((name) => [name, true])) };
    const row = fraudModelInput({ claim: sourceFor('claim'), features });
    for (const name of flags) expect(row[columns.findIndex((column) => column.name === name)]).toBe(1);
  });
});
