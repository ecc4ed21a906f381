// A consumer's vitest file: one line per target turns a conformance run into vitest tests.
import { describeScimConformance } from 'scimproof/vitest';

const only = ['users.create.*'];
describeScimConformance({ name: 'reference server', url: process.env.GOOD_URL, token: process.env.GOOD_TOKEN, suites: ['core'], only });
describeScimConformance({ name: 'faulty server', url: process.env.FAULTY_URL, token: process.env.FAULTY_TOKEN, suites: ['core'], only });
// Two mistakes a vendor makes: a secret not set in this CI context, and a wrong option. Each fails
// its own block in one line; neither tests the embedded server instead nor stops the file.
describeScimConformance({ name: 'unset variable', url: process.env.SCIMPROOF_NOT_SET, token: process.env.SCIMPROOF_NOT_SET, suites: ['core'], only });
describeScimConformance({ name: 'unknown profile', url: process.env.GOOD_URL, token: process.env.GOOD_TOKEN, suites: ['core'], only, profiles: ['no-such-profile'] });
