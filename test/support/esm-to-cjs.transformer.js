/**
 * Jest transformer for NestJS 12's ES modules (see jest.config.js): the one ESM-only idiom they
 * use, `createRequire(import.meta.url)`, becomes CommonJS's own `require`; Babel then rewrites
 * import/export and dynamic import() to CommonJS.
 */
const { createHash } = require('node:crypto');
const babel = require('@babel/core');

const VERSION = '2';

function rewriteImportMeta(source) {
  return source
    .replace(/^\s*const require = createRequire\(import\.meta\.url\);\s*$/m, '')
    .replace(/createRequire\(import\.meta\.url\)/g, 'require');
}

module.exports = {
  getCacheKey(source, filename) {
    return createHash('sha256').update(VERSION).update(filename).update(source).digest('hex');
  },
  process(source, filename) {
    const result = babel.transformSync(rewriteImportMeta(source), {
      filename,
      babelrc: false,
      configFile: false,
      sourceMaps: 'inline',
      plugins: [
        '@babel/plugin-transform-dynamic-import',
        ['@babel/plugin-transform-modules-commonjs', { importInterop: 'node' }],
      ],
    });
    return { code: result.code };
  },
};
