import { listBuiltins, loadSuites } from '../../src/suite/load.ts';
for (const b of listBuiltins()) { try { loadSuites([b]); console.log('ok', b); } catch (e) { console.log((e as Error).message); } }
