// The mock IdP's recording client keeps every body up to the per-body limit however long the
// cycle (no budget over all bodies, as a conformance run has): the engine keeps no exchange, it
// streams each to its log, so a long cycle's later objects must be logged as fully as its first.
import { expect, it, vi } from 'vitest';
import type { ClientOptions } from '../../src/http/client.ts';

const seen: ClientOptions[] = [];
vi.mock('../../src/http/client.ts', async (original) => {
  const real = await original<typeof import('../../src/http/client.ts')>();
  return {
    ...real,
    createClient: (options: ClientOptions) => {
      seen.push(options);
      return real.createClient(options);
    },
  };
});

it('the engine creates its client without a total record budget, keeping no exchanges', async () => {
  const { IdpEngine } = await import('../../src/idp/engine.ts');
  const { parseDirectory } = await import('../../src/idp/directory.ts');
  const directory = parseDirectory(JSON.stringify({ source: 'entra', users: [] }), 'empty.json');
  const engine = new IdpEngine({ url: 'http://127.0.0.1:1/scim/v2', auth: { kind: 'bearer', token: 't' }, dialect: 'entra', directory, statePath: null, logDir: null });
  await engine.close();
  expect(seen).toHaveLength(1);
  expect(seen[0]).toMatchObject({ retainExchanges: false, recordTotalChars: Number.POSITIVE_INFINITY });
});
