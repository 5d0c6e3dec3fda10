import { DLQ_HEADERS, deadLetterOf } from './dead-letter';
import { InvalidRecordError } from './records';

describe('deadLetterOf', () => {
  it('keeps the original key, bytes and headers and adds where and why it failed', () => {
    const message = {
      key: Buffer.from('claim-1'),
      value: Buffer.from([0, 1, 2]),
      headers: { traceparent: Buffer.from('tp') },
      offset: '42',
    };
    const letter = deadLetterOf(
      { topic: 'claims.enriched.v1', partition: 3, message },
      new InvalidRecordError('amount is negative'),
      'decision',
      new Date('2026-01-02T03:04:05Z'),
    );
    expect(letter.topic).toBe('claims.enriched.v1.dlq');
    expect(letter.message.key).toBe(message.key);
    expect(letter.message.value).toBe(message.value);
    expect(letter.message.headers).toEqual({
      traceparent: message.headers.traceparent,
      [DLQ_HEADERS.errorClass]: 'InvalidRecordError',
      [DLQ_HEADERS.errorMessage]: 'amount is negative',
      [DLQ_HEADERS.sourceTopic]: 'claims.enriched.v1',
      [DLQ_HEADERS.sourcePartition]: '3',
      [DLQ_HEADERS.sourceOffset]: '42',
      [DLQ_HEADERS.service]: 'decision',
      [DLQ_HEADERS.failedAt]: '2026-01-02T03:04:05.000Z',
    });
  });
});
