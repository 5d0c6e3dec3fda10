/**
 * The semantic version of ingest's HTTP API (its OpenAPI document's info.version): MAJOR for a
 * change a client must adapt to (a removed field, a new required one, a changed status), MINOR
 * for an addition, PATCH for docs. The claim status answer carries it with the event contract's.
 */
export const INGEST_API_VERSION = '1.0.0';
