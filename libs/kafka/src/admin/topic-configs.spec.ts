import { alignTopicConfigs } from './topic-configs';

describe('alignTopicConfigs', () => {
  it('has nothing to bring when every topic was just created (a new cluster), and asks no broker', async () => {
    // Port 1 answers nobody: a request would fail the test.
    await expect(alignTopicConfigs({ clientId: 'unit', brokers: '127.0.0.1:1' }, [])).resolves.toEqual([]);
  });
});
