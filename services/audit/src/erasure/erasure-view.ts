import type { ErasureRequest, ErasureStatus } from '@claims-mesh/contracts';

/** One store an erasure waits for. */
export interface StoreErasureView {
  store: string;
  done: boolean;
  /** The service that reported it, null while pending. */
  service: string | null;
  /** Epoch milliseconds of its completion, null while pending. */
  completedAt: number | null;
  /** What it removed or redacted, by kind; null while pending. */
  removed: Record<string, number> | null;
}

/** GET /v1/subjects/{customerId}/erasure. */
export interface ErasureView {
  erasureId: string;
  subjectRef: string;
  requestedAt: number;
  requestedBy: string;
  /** Every store is done. */
  complete: boolean;
  stores: StoreErasureView[];
}

/** The status of a request, given each expected store's completion (undefined while it has not reported). */
export function erasureViewOf(request: ErasureRequest, stores: readonly string[], reported: readonly (ErasureStatus | undefined)[]): ErasureView {
  const views = stores.map((store, i): StoreErasureView => {
    const status = reported[i];
    return status
      ? { store, done: true, service: status.service, completedAt: status.completedAt, removed: status.removed }
      : { store, done: false, service: null, completedAt: null, removed: null };
  });
  return {
    erasureId: request.eventId,
    subjectRef: request.subjectRef,
    requestedAt: request.requestedAt,
    requestedBy: request.requestedBy,
    complete: views.every((view) => view.done),
    stores: views,
  };
}
