// A consumer's vitest file: one line per target turns a conformance run into vitest tests.
import { describeScimConformance } from 'scimproof/vitest';

const only = ['users.create.*'];
describeScimConformance({ name: 'reference server', url: process.env.GOOD_URL, token: process.env.GOOD_TOKEN, suites: ['core'], only });
describeScimConformance({ name: 'faulty server', url: process.env.FAULTY_URL, token: process.env.FAULTY_TOKEN, suites: ['core'], only });
