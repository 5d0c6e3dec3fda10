import { Writable } from 'node:stream';
import pino from 'pino';
import { pinoHttpOptions } from './pino-options';

/** A pino logger configured as the services' loggers are, writing its lines to an array. */
function serviceLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const { level, base, timestamp, messageKey, formatters, mixin, redact } = pinoHttpOptions('ingest', 'info');
  return { logger: pino({ level, base, timestamp, messageKey, formatters, mixin, redact }, sink), lines };
}

describe('service log lines', () => {
  it('are JSON with the service, a level name and the message', () => {
    const { logger, lines } = serviceLogger();
    logger.info({ context: 'ClaimsController' }, 'claim accepted');
    expect(lines[0]).toMatchObject({ service: 'ingest', level: 'info', message: 'claim accepted', context: 'ClaimsController' });
  });

  it('never carry personal fields of a logged object', () => {
    const { logger, lines } = serviceLogger();
    logger.warn({ claim: { claimId: 'c-1', customerEmail: 'jane.doe@example.test', serialNumber: 'SN-1' } }, 'odd claim');
    expect(JSON.stringify(lines[0])).not.toMatch(/jane\.doe|SN-1/);
    expect(lines[0]).toMatchObject({ claim: { claimId: 'c-1' } });
  });

  it('never carry credentials or a body of a logged request', () => {
    const { logger, lines } = serviceLogger();
    logger.info({ req: { headers: { 'x-api-key': 'dev-ingest-key', authorization: 'Bearer t' }, body: { customerId: 'cust-1' } } }, 'request');
    expect(JSON.stringify(lines[0])).not.toMatch(/dev-ingest-key|Bearer t|cust-1/);
  });
});
