import Ajv2020 from 'ajv/dist/2020';
import { OPENAPI_DOCUMENT } from '../../src/openapi/document';

export interface RecordedResponse {
  readonly method: string;
  /** The Express route pattern that answered (`/api/v1/auth/token-services/:sessionId`), if any. */
  readonly route: string | undefined;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

type Json = Record<string, unknown>;

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:\/\/\S+$/i);
ajv.addFormat('uri-reference', /^\S+$/);
ajv.addSchema({ $id: 'doc', components: OPENAPI_DOCUMENT['components'] });

const paths = (OPENAPI_DOCUMENT as { paths: Record<string, Record<string, Json>> }).paths;

/** The OpenAPI path of an Express route pattern: `:sessionId` → `{sessionId}`. */
export function openApiPath(route: string): string {
  return route.replace(/:([A-Za-z]+)/g, '{$1}');
}

/**
 * Checks one real response against the document: the route, method and status must be documented,
 * and a JSON body must validate against the schema of its content type. Returns problems found.
 */
export function checkResponse(response: RecordedResponse): string[] {
  const where = `${response.method} ${response.route ?? '(no route)'} → ${response.status}`;
  let spec: Json | undefined;
  if (response.route === undefined) {
    // Unknown routes answer 404 not_found (and errors raised before routing): any documented problem.
    spec = {
      content: { 'application/problem+json': { schema: { $ref: 'doc#/components/schemas/Problem' } } },
    };
  } else {
    const operation = paths[openApiPath(response.route)]?.[response.method.toLowerCase()];
    if (operation === undefined) return [`${where}: route not in the OpenAPI document`];
    spec = (operation['responses'] as Record<string, Json>)[String(response.status)];
    if (spec === undefined) return [`${where}: status not documented`];
  }
  const content = spec['content'] as Record<string, { schema: Json }> | undefined;
  if (content === undefined)
    return response.body === '' ? [] : [`${where}: documented without a body, got one`];
  const type = response.contentType.split(';')[0]?.trim() ?? '';
  const media = content[type];
  if (media === undefined) return [`${where}: content type ${type} not documented`];
  if (!type.endsWith('json')) return [];
  const validate = ajv.compile(rebase(media.schema));
  const body: unknown = JSON.parse(response.body);
  return validate(body)
    ? []
    : [`${where}: ${ajv.errorsText(validate.errors)} in ${response.body.slice(0, 300)}`];
}

/** Points the document's local refs at the registered document. */
function rebase(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/')) as Json;
}

/** Every Express route the app serves, as `METHOD /path`. */
export function servedRoutes(app: { router: { stack: unknown[] } }): string[] {
  const out: string[] = [];
  const walk = (stack: unknown[]): void => {
    for (const layer of stack as {
      route?: { path: string; methods: Record<string, boolean> };
      handle?: { stack?: unknown[] };
    }[]) {
      if (layer.route !== undefined) {
        for (const method of Object.keys(layer.route.methods))
          out.push(`${method.toUpperCase()} ${layer.route.path}`);
      } else if (layer.handle?.stack !== undefined) {
        walk(layer.handle.stack);
      }
    }
  };
  walk(app.router.stack);
  return out;
}

/** Every operation in the document, as `METHOD /path` with Express-style parameters. */
export function documentedRoutes(): string[] {
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => ['get', 'post', 'put', 'delete', 'patch'].includes(key))
      .map((method) => `${method.toUpperCase()} ${path.replace(/\{([A-Za-z]+)\}/g, ':$1')}`),
  );
}
