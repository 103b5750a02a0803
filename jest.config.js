/** Test layout mirrors the code: tests/<area>/... for provider/, emulator/ and the end-to-end suite. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tests/tsconfig.json" }],
  },
  // The e2e suites drive the real Pulumi CLI; they are slow and share one CLI build.
  testTimeout: 120000,
  maxWorkers: 2,
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/examples/"],
};
