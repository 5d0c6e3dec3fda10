import { valueSchema } from '@claims-mesh/contracts';
import type { types } from 'avsc';

export type FeatureKind = 'number' | 'boolean';

const NUMERIC_AVRO_TYPES = new Set(['int', 'long', 'float', 'double']);

/**
 * The features a rule may test, read from the ClaimScored schema itself: a feature added to
 * the schema can be used in rules at once, and a rule naming a feature that does not exist
 * is refused at start instead of silently never firing.
 */
export function featureKindsFromSchema(): ReadonlyMap<string, FeatureKind> {
  const scored = valueSchema('ClaimScored').type as types.RecordType;
  const features = scored.field('features').type as types.RecordType;
  const kinds = new Map<string, FeatureKind>();
  for (const field of features.fields) {
    if (field.type.typeName === 'boolean') kinds.set(field.name, 'boolean');
    else if (NUMERIC_AVRO_TYPES.has(field.type.typeName)) kinds.set(field.name, 'number');
  }
  return kinds;
}
