import type { ScenarioInfo } from '@rrl/contracts';
import { RedisServerProcess } from '@rrl/testing';
import { startLab, type Lab } from './support/lab';

type Json = Record<string, unknown>;
interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Json }> } }>>;
}

const TOKEN = 'openapi-bodies-test-token';
const auth = { authorization: `Bearer ${TOKEN}` };

/**
 * The request bodies /docs-json documents are the schemas that validate them: a field the
 * validator takes is never missing from the docs. Real API on SQLite and its own redis-server.
 */
describe('OpenAPI request bodies come from the validating schemas', () => {
  let redis: RedisServerProcess;
  let lab: Lab;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    // No MySQL host: the embedded SQLite default.
    lab = await startLab({ redis: { port: redis.port }, overrides: { mysql: { host: null }, chaos: { token: TOKEN } } });
  }, 60_000);

  afterAll(async () => {
    await lab?.close();
    await redis?.stop();
  });

  it('POST /api/chaos/scenarios/{name}: one body schema per scenario, equal to the parameters its validator uses', async () => {
    const doc = (await lab.get<OpenApiDocument>('/docs-json')).body;
    const documented = doc.paths['/api/chaos/scenarios/{name}'].post.requestBody?.content['application/json'].schema;
    const scenarios = (await lab.send<ScenarioInfo[]>('GET', '/api/chaos/scenarios', undefined, auth)).body;
    expect(documented).toEqual({ anyOf: scenarios.map((s) => ({ title: s.name, ...s.parameters })) });
    // The field the hand-written body once lacked.
    const manualFailover = (documented!.anyOf as Json[]).find((s) => s.title === 'manual-failover');
    expect(Object.keys(manualFailover!.properties as Json)).toContain('promotionTimeoutMs');
  });

  it('the documented bounds are the enforced ones: a body past a documented maximum is refused naming the field', async () => {
    const doc = (await lab.get<OpenApiDocument>('/docs-json')).body;
    const schemas = doc.paths['/api/chaos/scenarios/{name}'].post.requestBody!.content['application/json'].schema.anyOf as Json[];
    const pause = schemas.find((s) => s.title === 'pause')!;
    const { maximum } = (pause.properties as Record<string, { maximum: number }>).durationMs;
    const refused = await lab.send<{ code: string; details: { field: string }[] }>(
      'POST',
      '/api/chaos/scenarios/pause',
      { target: 'process:nope', durationMs: maximum + 1 },
      auth,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.details.map((d) => d.field)).toEqual(['durationMs']);
  });
});
