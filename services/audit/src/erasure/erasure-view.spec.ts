import type { ErasureRequest, ErasureStatus } from '@claims-mesh/contracts';
import { erasureViewOf } from './erasure-view';

const request: ErasureRequest = { eventId: 'e-1', subjectRef: 'ref-1', requestedBy: 'eraser-dev', requestedAt: 1000 };

function done(store: string): ErasureStatus {
  return { eventId: `s-${store}`, storeKey: `ref-1:${store}`, subjectRef: 'ref-1', store, service: 'svc', completedAt: 2000, removed: { things: 1 } };
}

describe('erasureViewOf', () => {
  it('is pending while a store has not reported', () => {
    const view = erasureViewOf(request, ['a', 'b'], [done('a'), undefined]);
    expect(view.complete).toBe(false);
    expect(view.stores).toEqual([
      { store: 'a', done: true, service: 'svc', completedAt: 2000, removed: { things: 1 } },
      { store: 'b', done: false, service: null, completedAt: null, removed: null },
    ]);
  });

  it('is complete once every expected store has reported', () => {
    const view = erasureViewOf(request, ['a', 'b'], [done('a'), done('b')]);
    expect(view).toEqual(expect.objectContaining({ erasureId: 'e-1', subjectRef: 'ref-1', requestedAt: 1000, requestedBy: 'eraser-dev', complete: true }));
  });
});
