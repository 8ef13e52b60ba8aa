import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Built dashboard (apps/dashboard/dist), served at / when present. */
export const DASHBOARD_DIST = path.resolve(__dirname, '../../../dashboard/dist');

/**
 * Security headers of the dashboard's own responses (index.html and its assets), set on exactly
 * those, not by an app-wide hook: the JSON user read stays as lean as a bare Fastify route. The
 * page loads only its own scripts, styles, images and socket; no site may frame it (clickjacking).
 * Styles allow inline because React and the chart code set style attributes.
 */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Paths that belong to the server: an unknown one keeps its JSON 404, it is never answered with the SPA. */
const SERVER_PREFIXES = ['/api', '/docs', '/metrics', '/ws', '/health'];

/** A client route of the SPA: not a server path and not a file (a missing asset must 404, not get index.html). */
export function isClientRoute(url: string): boolean {
  const pathname = url.split('?')[0];
  if (SERVER_PREFIXES.some((p) => pathname === p || pathname.startsWith(`${p}/`) || pathname.startsWith(`${p}-`))) return false;
  return !/\.[a-z0-9]+$/i.test(pathname);
}

/**
 * What a server path that reached the fallback gets. The router falls back to the wildcard when no
 * other route matched, also when a parameter was too long for the route it was meant for, so the
 * caller decides (the router's own error, or the JSON 404).
 */
export type ServerPathFallback = (req: FastifyRequest, reply: FastifyReply) => unknown;

/**
 * Serves the built dashboard: hashed assets with a long cache, index.html never cached, and a
 * history-API fallback (GET /users, /chaos/compare... answer index.html so a reload or a shared
 * link works). The fallback is a wildcard route, which find-my-way tries only after every static
 * and parametric route, so it costs the API's own routes nothing (no onRequest hook).
 */
export async function serveDashboard(
  app: NestFastifyApplication,
  onServerPath: ServerPathFallback,
  dist = DASHBOARD_DIST,
): Promise<boolean> {
  if (!fs.existsSync(path.join(dist, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/',
    wildcard: false,
    setHeaders: (reply, file) => {
      for (const [name, value] of Object.entries(DASHBOARD_HEADERS)) void reply.header(name, value);
      // Vite puts a content hash in every asset name: a changed file is a new URL.
      void reply.header(
        'cache-control',
        file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/*', (req: FastifyRequest, reply: FastifyReply) =>
    isClientRoute(req.url)
      ? reply.headers(DASHBOARD_HEADERS).header('cache-control', 'no-cache').sendFile('index.html')
      : onServerPath(req, reply),
  );
  return true;
}
