/**
 * Every answer the e2e suite receives through the test client, checked against the OpenAPI document
 * the server publishes at /openapi.json: the status must be one the operation lists (errors may fall
 * to its `default`), and a JSON body must match that status's schema. The document and the server
 * cannot drift apart without a test failing. On when OPENAPI_CHECK=1 (CI sets it).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export const openApiCheckEnabled = (): boolean => process.env.OPENAPI_CHECK === '1';

type Schema = Record<string, unknown>;
interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  op: Operation;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** OpenAPI 3.0's `nullable` as JSON Schema: the schema or null. */
function toJsonSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toJsonSchema);
  if (s === null || typeof s !== 'object') return s;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s))
    if (k !== 'nullable' && k !== 'example' && k !== 'examples') out[k] = k === 'enum' || k === 'default' ? v : toJsonSchema(v);
  if ((s as Schema).nullable === true) {
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

class Checker {
  private readonly routes: Route[] = [];
  private readonly ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(doc: { paths: Record<string, Record<string, Operation>> }) {
    for (const [template, ops] of Object.entries(doc.paths)) {
      const pattern = new RegExp(`^${template.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const [method, op] of Object.entries(ops))
        this.routes.push({ method: method.toUpperCase(), template, pattern, params: (template.match(/\{/g) ?? []).length, op });
    }
    // The most literal path first: /users/search before /users/{id}.
    this.routes.sort((a, b) => a.params - b.params);
  }

  /** Why this answer disagrees with the document, or undefined when it agrees (or no operation is documented for it). */
  problem(method: string, path: string, status: number, body: unknown, contentType: string | null): string | undefined {
    const route = this.routes.find((r) => r.method === method && r.pattern.test(path));
    if (!route) return undefined;
    const responses = route.op.responses ?? {};
    const key = String(status);
    const spec = responses[key] ?? (status >= 400 ? responses.default : undefined);
    const where = `${method} ${route.template} → ${status}`;
    if (!spec) return `${where}: the document lists no ${status} (it lists ${Object.keys(responses).join(', ')})`;
    const schema = spec.content?.['application/json']?.schema;
    if (!schema || !(contentType ?? '').includes('application/json')) return undefined;
    const id = `${method} ${route.template} ${responses[key] ? key : 'default'}`;
    let validate = this.compiled.get(id);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as Schema);
      this.compiled.set(id, validate);
    }
    if (validate(body)) return undefined;
    return `${where}: the body does not match the documented schema: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}`;
  }
}

const checkers = new Map<string, Promise<Checker | undefined>>();

/** The checker of the server at base (its /openapi.json read once); undefined when it has no document. */
function checkerFor(base: string): Promise<Checker | undefined> {
  let c = checkers.get(base);
  if (!c) {
    c = fetch(`${base}/openapi.json`)
      .then(async (res) => (res.ok ? new Checker((await res.json()) as { paths: Record<string, Record<string, Operation>> }) : undefined))
      .catch(() => undefined);
    checkers.set(base, c);
  }
  return c;
}

/** Throws when an answer disagrees with the server's published document. */
export async function checkAnswer(
  base: string,
  method: string,
  path: string,
  status: number,
  body: unknown,
  contentType: string | null,
): Promise<void> {
  const checker = await checkerFor(base);
  const problem = checker?.problem(method, path.split('?', 1)[0] ?? path, status, body, contentType);
  if (problem) throw new Error(`OpenAPI drift: ${problem}`);
}
