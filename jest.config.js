/** Jest in ESM mode through ts-jest; relative `.js` imports map back to their `.ts` sources. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 20000,
  // Builds web/ (the inbox, the explorer) when stale, once, before any test serves it.
  globalSetup: '<rootDir>/test/support/build-web.mjs',
};
