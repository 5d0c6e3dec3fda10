import { chunkBySize } from './produce-chunks';

const message = (bytes: number) => ({ key: 'k', value: Buffer.alloc(bytes) });

describe('chunkBySize', () => {
  it('keeps a small request whole', () => {
    const chunks = chunkBySize([{ topic: 'a', messages: [message(10), message(10)] }, { topic: 'b', messages: [message(10)] }]);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].map((t) => [t.topic, t.messages.length])).toEqual([['a', 2], ['b', 1]]);
  });

  it('cuts a request into pieces under the byte bound, keeping the order of records', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: String(i), value: Buffer.alloc(300) }));
    const chunks = chunkBySize([{ topic: 'a', messages }], 1000);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.flatMap((c) => c.flatMap((t) => t.messages.map((m) => m.key)))).toEqual(messages.map((m) => m.key));
  });

  it('still sends a single record bigger than the bound, on its own', () => {
    const chunks = chunkBySize([{ topic: 'a', messages: [message(10), message(5000), message(10)] }], 1000);
    expect(chunks.map((c) => c[0].messages.length)).toEqual([1, 1, 1]);
  });
});
