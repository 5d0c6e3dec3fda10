import type { OutgoingMessage } from './records';

/** What handling one poll's records produced: encoded outputs and dead letters, in the order made. */
export class BatchOutputs {
  readonly messages: OutgoingMessage[] = [];

  add(message: OutgoingMessage): void {
    this.messages.push(message);
  }
}
