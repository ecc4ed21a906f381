// Directories that change between cycles, against the reference server (the cases and what they
// check: between-cycles.ts; against SCIMMY: hidden-directories-between-cycles-scimmy.test.ts).
import { REFERENCE_AND_SCIMMY } from './both-servers.ts';
import { describeBetweenCycles } from './between-cycles.ts';

describeBetweenCycles([REFERENCE_AND_SCIMMY[0]]);
