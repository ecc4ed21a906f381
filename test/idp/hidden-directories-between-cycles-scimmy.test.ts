// Directories that change between cycles, against SCIMMY (the cases and what they check:
// between-cycles.ts; against the reference server: hidden-directories-between-cycles.test.ts).
import { REFERENCE_AND_SCIMMY } from './both-servers.ts';
import { describeBetweenCycles } from './between-cycles.ts';

describeBetweenCycles([REFERENCE_AND_SCIMMY[1]]);
