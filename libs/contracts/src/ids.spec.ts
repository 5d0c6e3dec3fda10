import { deterministicUuid } from './ids';

describe('deterministicUuid', () => {
  it('gives the same RFC 4122 v5-shaped id for the same parts, and another for other parts', () => {
    const id = deterministicUuid('claim-1', 'rules-3', 'event-9');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicUuid('claim-1', 'rules-3', 'event-9')).toBe(id);
    expect(deterministicUuid('claim-1', 'rules-4', 'event-9')).not.toBe(id);
    expect(deterministicUuid('claim-1r', 'ules-3', 'event-9')).not.toBe(id);
  });
});
