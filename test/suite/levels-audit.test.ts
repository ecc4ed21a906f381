// docs/notes/levels-audit.md records every check's level with the sentence it cites; this keeps the
// record and the suites in step, so a level cannot change without the audit saying why.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkKind } from '../../src/checks/registry.ts';
import { listBuiltins, loadSuites } from '../../src/suite/load.ts';
import { PROPERTIES } from '../../src/fuzz/properties/index.ts';

const audit = readFileSync(new URL('../../docs/notes/levels-audit.md', import.meta.url), 'utf8');
const everyCheck = audit.split('## Every check')[1] ?? '';
const recorded = new Map([...everyCheck.matchAll(/^\| `([^`]+)` \| (MUST|SHOULD|MAY) \|/gm)].map((m) => [m[1]!, m[2]!]));

describe('the levels audit', () => {
  it('records every check of the built-in suites at the level the suite gives it', () => {
    const actual = new Map<string, string>([['responses.schema', 'MUST'], ['responses.content-type', 'MUST'], ['responses.no-bom', 'MUST']]);
    for (const suite of loadSuites(listBuiltins())) {
      for (const scenario of suite.scenarios) for (const step of scenario.steps) for (const e of step.expect ?? []) actual.set(e.id, e.level ?? checkKind(e.check)!.defaultLevel);
    }
    for (const p of PROPERTIES) actual.set(`fuzz.${p.id}`, p.level ?? 'MUST');
    // The run-wide fuzz finding: schema-valid input refused by a business rule.
    actual.set('fuzz.valid-input-accepted', 'SHOULD');
    expect(Object.fromEntries(recorded)).toEqual(Object.fromEntries(actual));
  });

  it('cites a sentence for each', () => {
    const rows = [...everyCheck.matchAll(/^\| `[^`]+` \| \w+ \|[^|]*\| (.*) \|$/gm)].map((m) => m[1]!.trim());
    expect(rows.length).toBe(recorded.size);
    expect(rows.filter((sentence) => sentence.length < 20)).toEqual([]);
  });
});
