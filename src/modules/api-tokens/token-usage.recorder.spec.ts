import type { EntityManager } from 'typeorm';
import type { TransactionService } from '../../database/transaction.service';
import type { UsersRepository } from '../users/users.repository';
import type { ApiTokensRepository, TokenUsage } from './api-tokens.repository';
import { TokenUsageRecorder } from './token-usage.recorder';

describe('TokenUsageRecorder', () => {
  const written: TokenUsage[][] = [];
  const logins: Array<ReadonlyMap<number, Date>> = [];
  let failNext = false;
  const tokens = {
    addUsage: async (_: EntityManager, usages: readonly TokenUsage[]) => {
      written.push(usages.map((u) => ({ tokenId: u.tokenId, count: u.count, lastUsedAt: u.lastUsedAt })));
    },
  } as unknown as ApiTokensRepository;
  const users = {
    recordLogins: async (_: EntityManager, latest: ReadonlyMap<number, Date>) => void logins.push(new Map(latest)),
  } as unknown as UsersRepository;
  const transactions = {
    run: async (_caller: null, work: (manager: EntityManager) => Promise<void>) => {
      if (failNext) {
        failNext = false;
        throw new Error('database unavailable');
      }
      await work({} as EntityManager);
    },
  } as unknown as TransactionService;
  let recorder: TokenUsageRecorder;

  beforeEach(() => {
    written.length = 0;
    logins.length = 0;
    recorder = new TokenUsageRecorder(tokens, users, transactions);
  });

  afterEach(() => recorder.onModuleDestroy());

  it('should write each token once with its count, and each user once with the latest use', async () => {
    recorder.record(1, 10);
    recorder.record(1, 10);
    recorder.record(2, 20);
    await new Promise((resolve) => setTimeout(resolve, 5));
    recorder.record(3, 10);
    await recorder.flush();
    expect(written).toHaveLength(1);
    const byToken = new Map(written[0].map((u) => [u.tokenId, u]));
    expect([...byToken.keys()].sort()).toEqual([1, 2, 3]);
    expect(byToken.get(1)!.count).toBe(2);
    expect(logins[0].get(10)).toEqual(byToken.get(3)!.lastUsedAt);
    expect(logins[0].get(20)).toEqual(byToken.get(2)!.lastUsedAt);
    await recorder.flush();
    expect(written).toHaveLength(1); // nothing pending, nothing written
  });

  it('should keep the uses of a flush that failed for the next one, added to the newer ones', async () => {
    recorder.record(1, 10);
    recorder.record(1, 10);
    failNext = true;
    await expect(recorder.flush()).rejects.toThrow('database unavailable');
    expect(written).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    recorder.record(1, 10);
    await recorder.flush();
    expect(written).toHaveLength(1);
    expect(written[0]).toHaveLength(1);
    expect(written[0][0].count).toBe(3);
    expect(logins[0].get(10)).toEqual(written[0][0].lastUsedAt);
    expect(written[0][0].lastUsedAt.getTime()).toBeGreaterThan(Date.now() - 1000);
  });
});
