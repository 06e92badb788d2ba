/** Jest on native ESM: run through `node --experimental-vm-modules` (see package.json "test"). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
  // every core: jest's default leaves one idle (cores - 1), which on a 2-core machine runs the suite serially
  maxWorkers: '100%',
};
