/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/gateway', '<rootDir>/subgraphs', '<rootDir>/drizzle', '<rootDir>/tools', '<rootDir>/test', '<rootDir>/bench'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
    '^.+\\.cjs$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // jose ships ESM only and PGlite's CommonJS build uses dynamic import(): swc turns both into plain CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(jose|@electric-sql/pglite)/)'],
  testTimeout: 60_000,
};
