// Entity column types are chosen at import time from DATABASE_URL's kind; each test file then
// points the app at its own fresh database through the config provider.
process.env.TZ = 'UTC';
process.env.DATABASE_URL = process.env.TEST_DB === 'postgres' ? 'postgres://placeholder/kind-only' : 'sqlite::memory:';
delete process.env.REDIS_URL;
delete process.env.BOOTSTRAP_ADMIN_TOKEN;
