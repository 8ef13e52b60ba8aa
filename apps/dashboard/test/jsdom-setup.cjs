// jsdom lacks TextEncoder/TextDecoder, which React Router uses at import time; Node's are the same API.
const { TextDecoder, TextEncoder } = require('node:util');
Object.assign(globalThis, { TextDecoder, TextEncoder });
