// Dev tool (not a test): rewrites src/suite/suite.schema.json with the parameter schemas the check
// kinds declare. test/suite/schema.test.ts fails until this has been run after a kind changes.
// Usage: npx tsx test/support/write-suite-schema.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { CHECK_KINDS } from '../../src/checks/registry.ts';
import { composeSuiteSchema } from '../../src/suite/compose-schema.ts';

const file = new URL('../../src/suite/suite.schema.json', import.meta.url);
const current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
writeFileSync(file, `${JSON.stringify(composeSuiteSchema(current, [...CHECK_KINDS.values()]), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
