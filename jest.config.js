const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * Packages that ship ES modules ("type": "module"), NestJS 12 among them. Node 20 loads them from
 * our CommonJS build through require(esm), but Jest's module runtime cannot on Node 20, so Jest
 * compiles exactly these to CommonJS (test/support/esm-to-cjs.transformer.js).
 */
function esmPackages(root = join(__dirname, 'node_modules')) {
  const names = [];
  const isEsm = (dir) => {
    const file = join(dir, 'package.json');
    return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).type === 'module';
  };
  for (const entry of readdirSync(root)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const sub of readdirSync(join(root, entry)))
        if (isEsm(join(root, entry, sub))) names.push(`${entry}/${sub}`);
    } else if (isEsm(join(root, entry))) names.push(entry);
  }
  return names.map((n) => n.replace(/[.+]/g, '\\$&'));
}

const esm = esmPackages();
const common = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
    '^.+/node_modules/.+\\.m?js$': '<rootDir>/test/support/esm-to-cjs.transformer.js',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esm.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};

/** Two projects: unit specs next to the code, and e2e specs through the real AppModule over HTTP. */
module.exports = {
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      // test/reliability: the reliability matrix (races, faults, bad input, cross-user access).
      roots: ['<rootDir>/test/e2e', '<rootDir>/test/reliability'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      // Also sets the e2e timeout (30 s): jest-circus ignores a project's own testTimeout.
      setupFiles: ['<rootDir>/test/support/setup-env.ts'],
    },
  ],
};
