import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';

/**
 * The root package.json overrides three transitive packages to their last versions whose engines
 * include Node 20 (content-disposition 2, cookie 1, file-type 21). These are the calls their
 * parents make into them, so a wrong override fails here instead of in production.
 */
describe('overridden transitive dependencies still do their job for their parents', () => {
  it('@fastify/static names a download with content-disposition', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-static-'));
    fs.writeFileSync(path.join(root, 'report 1.txt'), 'hello');
    const app = Fastify();
    await app.register(fastifyStatic, { root, serve: false });
    app.get('/download', (_req, reply) => reply.download('report 1.txt'));
    try {
      const res = await app.inject({ url: '/download' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="report 1.txt"');
      expect(res.body).toBe('hello');
    } finally {
      await app.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("light-my-request (fastify's inject) sends cookies with cookie's stringifySetCookie", async () => {
    const app = Fastify();
    app.get('/echo', (req) => ({ cookie: req.headers.cookie }));
    try {
      const res = await app.inject({ url: '/echo', cookies: { session: 'a b', theme: 'dark' } });
      expect(res.json()).toEqual({ cookie: 'session=a%20b; theme=dark' });
    } finally {
      await app.close();
    }
  });

  it("Nest's FileTypeValidator detects a file's type from its bytes with file-type", () => {
    // Run in plain Node: the validator loads file-type with a dynamic import(), which Jest's
    // CommonJS runtime cannot do (the validator would answer false for every file).
    const script = [
      "import { FileTypeValidator } from '@nestjs/common';",
      // The 8-byte PNG signature and the start of an IHDR chunk: enough for file-type to say image/png.
      "const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');",
      "const text = Buffer.from('just text, not a picture');",
      "const validator = new FileTypeValidator({ fileType: 'image/png' });",
      "const verdicts = [await validator.isValid({ buffer: png, mimetype: 'image/png' }), await validator.isValid({ buffer: text, mimetype: 'image/png' })];",
      'console.log(JSON.stringify(verdicts));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual([true, false]);
  });
});
