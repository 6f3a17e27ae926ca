// Imported first by test/hooks.ts: environment defaults for the test run, set before any
// module (the logger above all) reads them.
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'silent';
