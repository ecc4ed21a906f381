// A CommonJS TypeScript consumer (`.cts`, `module: nodenext`): TypeScript 5.8+ lets it import the
// ESM package, as Node 20.19+ lets it `require` it. Type-checked only, never run.
import { runConformance, type RunRecord } from 'scimproof';
import { describeScimConformance } from 'scimproof/vitest';

void runConformance({ url: process.env.SCIM_BASE_URL, token: process.env.SCIM_TOKEN, suites: ['core'] }).then((record: RunRecord) => console.log(record.summary.fail));
describeScimConformance({ url: process.env.SCIM_BASE_URL, token: process.env.SCIM_TOKEN });
