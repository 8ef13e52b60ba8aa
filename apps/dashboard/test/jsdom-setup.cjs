// jsdom lacks TextEncoder/TextDecoder, which React Router uses at import time; Node's are the same API.
const { TextDecoder, TextEncoder } = require('node:util');
Object.assign(globalThis, { TextDecoder, TextEncoder });

// Testing Library's waitFor/findBy* give up after 1 s by default: a wait for a condition (a
// reconnect, a render) must not fail because a busy machine took longer. 10 s stays under the
// dashboard project's 15 s test timeout (jest.config.ts), so the wait fails first, naming what it waited for.
require('@testing-library/dom').configure({ asyncUtilTimeout: 10_000 });
