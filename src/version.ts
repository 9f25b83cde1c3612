// The package version as a constant: reading package.json at run time would break bundlers and the
// ESM/CJS dual build. test/unit/remote-write.test.ts checks that it matches package.json.
export const VERSION = '0.1.0';
