// Applies the project's `globals.testTimeoutMs` (jest.config.ts). Jest's runner reads `testTimeout`
// from the global config only and ignores it in a project, so each project sets its own here.
jest.setTimeout(globalThis.testTimeoutMs);
