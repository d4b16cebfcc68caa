// Entity column types are chosen at import time from DATABASE_URL's kind; each test file then
// points the app at its own fresh database through the config provider.
process.env.TZ = 'UTC';
process.env.DATABASE_URL = process.env.TEST_DB === 'postgres' ? 'postgres://placeholder/kind-only' : 'sqlite::memory:';
delete process.env.REDIS_URL;
delete process.env.BOOTSTRAP_ADMIN_TOKEN;

// The e2e default timeout for tests and hooks. It is set here because jest-circus reads only the
// global config's testTimeout: a project's own (jest.config.js) is ignored, and it was 5 s.
jest.setTimeout(30_000);
