import { createTestApp, type TestApp, type TestAppOptions } from './test-app';

/** Env for suites that send far more requests than the production limits allow (fuzzing, models). */
export const RAISED_RATE_LIMITS = {
  API_TOKEN_RATE_LIMIT_PER_MINUTE: '100000',
  API_TOKEN_RATE_LIMIT_PER_HOUR: '1000000',
} as const;

/** The bootstrap admin's token in every e2e app (user `admin`, admin:all). */
export const ADMIN_TOKEN = 'tt_e2eAdminToken0123456789abcdefXYZ';

export interface TestUser {
  id: number;
  username: string;
  role: 'admin' | 'user';
}

export interface TestContext {
  t: TestApp;
  adminToken: string;
  newUser(overrides?: Partial<{ username: string; role: 'admin' | 'user'; email: string }>): Promise<TestUser>;
  /** A token for `user` (a fresh plain user when omitted) with exactly these scopes. */
  newToken(options: {
    scopes: string[];
    user?: TestUser;
    expires_in_days?: number;
    ip_allowlist?: string[];
  }): Promise<{ token: string; id: number; user: TestUser }>;
  close(): Promise<void>;
}

let counter = 0;

export async function createTestContext(options: TestAppOptions = {}): Promise<TestContext> {
  const t = await createTestApp({ ...options, env: { BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN, ...options.env } });
  const newUser: TestContext['newUser'] = async (overrides = {}) => {
    const res = await t.post(
      '/api/v1/users',
      { username: `user${++counter}_${process.pid}`, ...overrides },
      { token: ADMIN_TOKEN },
    );
    if (res.status !== 201) throw new Error(`newUser failed: ${res.status} ${res.text}`);
    return res.body.user as TestUser;
  };
  const newToken: TestContext['newToken'] = async ({ scopes, user, ...rest }) => {
    const owner = user ?? (await newUser());
    const res = await t.post(
      '/api/v1/admin/api-tokens',
      { name: `token ${++counter}`, user_id: owner.id, scopes, ...rest },
      { token: ADMIN_TOKEN },
    );
    if (res.status !== 201) throw new Error(`newToken failed: ${res.status} ${res.text}`);
    return { token: res.body.token as string, id: res.body.api_token.id as number, user: owner };
  };
  return { t, adminToken: ADMIN_TOKEN, newUser, newToken, close: () => t.close() };
}
