import { parseClaimsQuery } from './claims-query';
import { encodeCursor } from './list-cursor';

const limits = { defaultLimit: 50, maxLimit: 500 };

describe('parseClaimsQuery', () => {
  it('reads times as ISO 8601 or epoch milliseconds, and defaults the limit', () => {
    const cursor = encodeCursor({ decidedAt: 1_700_000_000_123, claimId: 'c-1' });
    expect(
      parseClaimsQuery({ action: 'REJECT', from: '2025-03-01', to: '1740787200000', cursor }, limits),
    ).toEqual({
      ok: true,
      value: {
        action: 'REJECT',
        from: Date.UTC(2025, 2, 1),
        to: 1_740_787_200_000,
        limit: 50,
        after: { decidedAt: 1_700_000_000_123, claimId: 'c-1' },
      },
    });
    expect(parseClaimsQuery({ from: '2025-03-01T10:00:00.5+01:00', limit: '500' }, limits)).toEqual({
      ok: true,
      value: { from: Date.UTC(2025, 2, 1, 9, 0, 0, 500), limit: 500 },
    });
  });

  it('names every bad parameter at once', () => {
    const parsed = parseClaimsQuery(
      { action: 'approve', from: '2025-02-29', limit: '1.5', extra: '1' },
      limits,
    );
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems.map((p) => p.field).sort()).toEqual([
      'action',
      'extra',
      'from',
      'limit',
    ]);
  });

  it.each(['2025-03-01T10:00', '2025-03-01 10:00:00Z', '+2025-03-01', '1e12', '-5', ''])(
    'refuses the time %p',
    (from) => {
      const parsed = parseClaimsQuery({ from }, limits);
      expect(!parsed.ok && parsed.problems).toEqual([expect.objectContaining({ field: 'from' })]);
    },
  );
});
