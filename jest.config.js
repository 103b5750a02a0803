/** Test layout mirrors the code: tests/<area>/... for provider/, emulator/ and the end-to-end suite. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tests/tsconfig.json" }],
  },
  // The e2e suites drive the real Pulumi CLI: find or build it once, before the workers start.
  globalSetup: "<rootDir>/tests/e2e/harness/globalSetup.ts",
  testTimeout: 120000,
  maxWorkers: 2,
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/examples/"],
};
