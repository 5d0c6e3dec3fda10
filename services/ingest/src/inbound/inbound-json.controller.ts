import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { InboundRecord, InvalidRecordError, OutboundRecord } from '@claims-mesh/kafka';
import { republishedClaim } from './inbound-claim';

export const INBOUND_JSON_TOPIC = 'claims.inbound.json.v1';

/**
 * The entrance for upstream systems that cannot write Avro: JSON claims are validated like
 * HTTP ones and republished as canonical Avro; invalid ones go to the DLQ with the reason.
 */
@Controller()
export class InboundJsonController {
  @EventPattern(INBOUND_JSON_TOPIC, { raw: true })
  toCanonicalAvro(record: InboundRecord<Buffer | null>): OutboundRecord {
    return republishedClaim(parseJson(record.value), record, record.headers['source-system'] ?? 'inbound-json');
  }
}

function parseJson(bytes: Buffer | null): unknown {
  if (!bytes || bytes.length === 0) throw new InvalidRecordError('empty value: expected a JSON claim');
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new InvalidRecordError('value is not valid UTF-8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidRecordError(`value is not JSON: ${(error as Error).message}`);
  }
}
