import type { UserFieldSpec } from '@rrl/contracts';

/** What two descriptions of a JSON value must agree on: its type, whether it may be null, its enum, its properties. */
export interface Shape {
  type: string;
  nullable: boolean;
  enum?: string[];
  properties?: Record<string, Shape>;
}

type Json = Record<string, unknown>;

/** A JSON Schema as Fastify reads it (draft 7: null is one of the types). */
export function shapeOfJsonSchema(schema: Json): Shape {
  const types = ([] as string[]).concat(schema.type as string | string[]);
  const shape: Shape = { type: types.filter((t) => t !== 'null').join('|'), nullable: types.includes('null') };
  if (schema.enum) shape.enum = [...(schema.enum as string[])].sort();
  if (schema.properties) shape.properties = mapValues(schema.properties as Record<string, Json>, shapeOfJsonSchema);
  return shape;
}

/** An OpenAPI 3.0 schema (`nullable`, `$ref`s into components.schemas, `allOf: [{ $ref }]` as Swagger writes a nested model). */
export function shapeOfOpenApi(schema: Json, components: Record<string, Json>): Shape {
  const ref = (schema.$ref ?? (schema.allOf as Json[] | undefined)?.[0]?.$ref) as string | undefined;
  if (ref) {
    const target = components[ref.replace('#/components/schemas/', '')];
    if (!target) throw new Error(`unresolved ${ref}`);
    return { ...shapeOfOpenApi(target, components), nullable: schema.nullable === true || target.nullable === true };
  }
  const type = (schema.type as string | undefined) ?? (schema.properties ? 'object' : '(none)');
  const shape: Shape = { type, nullable: schema.nullable === true };
  if (schema.enum) shape.enum = [...(schema.enum as string[])].sort();
  if (schema.properties) shape.properties = mapValues(schema.properties as Record<string, Json>, (s) => shapeOfOpenApi(s, components));
  return shape;
}

/** contracts' USER_FIELDS (a date-time is a string on the wire). */
export function shapeOfFields(fields: Record<string, UserFieldSpec>): Shape {
  return {
    type: 'object',
    nullable: false,
    properties: mapValues(fields, (f) => ({ type: f.kind === 'date-time' ? 'string' : f.kind, nullable: f.nullable })),
  };
}

/** Every disagreement between two shapes, one readable line each ("user.phone: only in OpenAPI"). */
export function disagreements(a: { name: string; shape: Shape }, b: { name: string; shape: Shape }, at = ''): string[] {
  const here = at || '(root)';
  const out: string[] = [];
  if (a.shape.type !== b.shape.type) out.push(`${here}: ${a.shape.type} in ${a.name}, ${b.shape.type} in ${b.name}`);
  if (a.shape.nullable !== b.shape.nullable)
    out.push(`${here}: ${a.shape.nullable ? '' : 'not '}nullable in ${a.name}, ${b.shape.nullable ? '' : 'not '}nullable in ${b.name}`);
  if (JSON.stringify(a.shape.enum) !== JSON.stringify(b.shape.enum))
    out.push(`${here}: enum ${JSON.stringify(a.shape.enum)} in ${a.name}, ${JSON.stringify(b.shape.enum)} in ${b.name}`);
  const pa = a.shape.properties ?? {};
  const pb = b.shape.properties ?? {};
  for (const key of new Set([...Object.keys(pa), ...Object.keys(pb)])) {
    const path = at ? `${at}.${key}` : key;
    if (!pb[key]) out.push(`${path}: only in ${a.name}`);
    else if (!pa[key]) out.push(`${path}: only in ${b.name}`);
    else out.push(...disagreements({ name: a.name, shape: pa[key] }, { name: b.name, shape: pb[key] }, path));
  }
  return out;
}

function mapValues<T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}
