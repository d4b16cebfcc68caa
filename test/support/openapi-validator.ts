import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

interface Response {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
}
interface Operation {
  responses?: Record<string, Response>;
}
type OpenApi = {
  paths: Record<string, Record<string, Operation>>;
  components?: { responses?: Record<string, Response> };
} & Record<string, unknown>;

const DOC_ID = 'openapi.json';

/**
 * Checks every response the e2e suite receives against `openapi/openapi.json`: the documented
 * status for that route, and a JSON body matching its schema, with no undocumented properties
 * (object schemas are closed: `additionalProperties: false` unless they say otherwise).
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly routes: Array<{ pattern: RegExp; template: string; params: number }>;
  private readonly compiled = new Map<string, ValidateFunction | null>();

  constructor(private readonly doc: OpenApi) {
    addFormats(this.ajv);
    this.ajv.addSchema(closeObjects(doc) as object, DOC_ID);
    this.routes = Object.keys(doc.paths)
      .map((template) => ({
        template,
        params: (template.match(/\{/g) ?? []).length,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      }))
      // Literal segments win: /users/me before /users/{id}.
      .sort((a, b) => a.params - b.params);
  }

  static load(): OpenApiValidator {
    const file = join(__dirname, '../../openapi/openapi.json');
    return new OpenApiValidator(JSON.parse(readFileSync(file, 'utf8')) as OpenApi);
  }

  /** The problems with one response, or [] when it matches the document. */
  check(method: string, path: string, status: number, contentType: string, body: unknown): string[] {
    const route = this.routes.find((r) => r.pattern.test(path));
    if (!route) return [];
    const operation = this.doc.paths[route.template][method.toLowerCase()];
    if (!operation) return [];
    const where = `${method} ${route.template} -> ${status}`;
    const responses = operation.responses ?? {};
    // The exact status, else its class (`4XX`), else `default`.
    const code = [String(status), `${String(status)[0]}XX`, 'default'].find((c) => responses[c]);
    if (!code) return [`${where}: status not documented`];
    if (!contentType.includes('json')) return [];
    const key = `${route.template} ${method.toLowerCase()} ${status}`;
    if (!this.compiled.has(key)) {
      // A shared response ($ref to components.responses) is validated where it is defined.
      const ref = responses[code].$ref;
      const response = ref ? this.doc.components?.responses?.[ref.split('/').pop() as string] : responses[code];
      const location = ref
        ? ref.slice(2)
        : ['paths', route.template, method.toLowerCase(), 'responses', code]
            .map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1'))
            .join('/');
      const media = response?.content?.['application/json'];
      const pointer = `${location}/content/application~1json/schema`;
      this.compiled.set(key, media?.schema ? this.ajv.compile({ $ref: `${DOC_ID}#/${pointer}` }) : null);
    }
    const validate = this.compiled.get(key);
    if (!validate) return [`${where}: JSON body not documented`];
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${where}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }
}

/** Object schemas with properties become closed unless they set additionalProperties; `nullable` admits null. */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = closeObjects(v);
  if (out.properties && typeof out.properties === 'object' && out.additionalProperties === undefined && !out.allOf) {
    out.additionalProperties = false;
  }
  // OpenAPI 3.0 `nullable` next to `allOf: [$ref]` (how Nest writes a nullable nested DTO): null or the schema.
  if (out.nullable === true) {
    const { nullable: _nullable, ...rest } = out;
    return { anyOf: [{ type: 'null' }, rest] };
  }
  return out;
}

/** Collect mode (OPENAPI_VIOLATIONS=file): append instead of failing, to survey a whole run. */
export function reportViolations(problems: string[]): void {
  if (problems.length === 0) return;
  const file = process.env.OPENAPI_VIOLATIONS;
  if (file) {
    appendFileSync(file, problems.map((p) => `${p}\n`).join(''));
    return;
  }
  throw new Error(`response does not match openapi/openapi.json:\n${problems.join('\n')}`);
}
