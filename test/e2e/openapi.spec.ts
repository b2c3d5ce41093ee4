/**
 * The OpenAPI document at /openapi.json is generated from the controllers: every route the
 * application serves is in it, with its request body and response shapes; /docs serves the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestService, type TestService } from './support.js';

interface SchemaObject {
  type?: string;
  $ref?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject;
  items?: SchemaObject;
  enum?: string[];
}
interface Operation {
  requestBody?: { content: Record<string, { schema: SchemaObject }> };
  responses: Record<string, { content?: Record<string, { schema: SchemaObject }> }>;
  security?: Array<Record<string, string[]>>;
}
interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, SchemaObject>; securitySchemes: Record<string, unknown> };
}

/** The routes Express serves (the Nest controllers), as "METHOD /path/{param}". */
function servedRoutes(service: TestService): string[] {
  const router = (
    service.app.getHttpAdapter().getInstance() as {
      router: {
        stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
      };
    }
  ).router;
  const routes: string[] = [];
  for (const layer of router.stack) {
    if (!layer.route) continue;
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    if (path === '/docs' || path.startsWith('/docs/') || path === '/openapi.json') continue;
    for (const method of Object.keys(layer.route.methods)) routes.push(`${method} ${path}`);
  }
  return [...new Set(routes)].sort();
}

describe('OpenAPI document and /docs', () => {
  let service: TestService;
  let spec: OpenApi;

  const resolve = (schema: SchemaObject): SchemaObject =>
    schema.$ref ? spec.components.schemas[schema.$ref.split('/').pop()!] : schema;
  const jsonSchema = (op: Operation, status: string) =>
    resolve(op.responses[status].content!['application/json'].schema);

  beforeAll(async () => {
    service = await startTestService();
    const res = await http<OpenApi>(service.url, '/openapi.json', { apiKey: null });
    expect(res.status).toBe(200);
    spec = res.body;
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('lists every route the service serves, each with its responses', () => {
    const documented = Object.entries(spec.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
      .sort();
    const served = servedRoutes(service);
    expect(served).toEqual(
      expect.arrayContaining([
        'post /messages',
        'post /messages/estimate',
        'get /messages/{id}',
        'post /messages/{id}/cancel',
        'get /health',
      ]),
    );
    expect(documented).toEqual(served);
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const withContent = Object.values(op.responses).filter((r) => r.content);
        expect(withContent.length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
  });

  it('POST /messages: the body schema (strict) and the message and error answers', () => {
    const op = spec.paths['/messages'].post;
    const body = resolve(op.requestBody!.content['application/json'].schema);
    expect(body.type).toBe('object');
    expect(Object.keys(body.properties!)).toEqual([
      'to',
      'text',
      'from',
      'clientRef',
      'encoding',
      'smartEncoding',
      'priority',
      'expiresAt',
      'ttlMs',
      'sendAt',
    ]);
    expect(body.required).toEqual(['to', 'text']);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties!.encoding.enum).toEqual(['auto', 'gsm7', 'ucs2', 'latin1']);
    expect(body.properties!.priority.enum).toEqual(['high', 'normal', 'bulk']);
    expect(body.properties!.sendAt).toMatchObject({ type: 'string', format: 'date-time' });
    expect(body.properties!.expiresAt).toMatchObject({ type: 'string', format: 'date-time' });
    expect(body.properties!.ttlMs.type).toBe('integer');

    for (const status of ['200', '202']) {
      const message = jsonSchema(op, status);
      expect(message.required).toEqual(
        expect.arrayContaining(['id', 'to', 'status', 'parts', 'createdAt']),
      );
      expect(message.properties!.parts.type).toBe('array');
    }
    for (const status of ['400', '401', '413', '415', '429', '503']) {
      const error = jsonSchema(op, status);
      expect(Object.keys(error.properties!)).toEqual(
        expect.arrayContaining(['statusCode', 'message', 'errors']),
      );
    }
    expect(op.security).toEqual([{ 'api-key': [] }]);
    expect(spec.components.securitySchemes['api-key']).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
    });
  });

  it('POST /messages/estimate: the text fields of POST /messages, the estimate and error answers', () => {
    const op = spec.paths['/messages/estimate'].post;
    const body = resolve(op.requestBody!.content['application/json'].schema);
    expect(Object.keys(body.properties!)).toEqual(['text', 'encoding', 'smartEncoding']);
    expect(body.required).toEqual(['text']);
    expect(body.additionalProperties).toBe(false);
    expect(Object.keys(jsonSchema(op, '200').properties!)).toEqual([
      'encoding',
      'parts',
      'charactersPerPart',
      'charactersLeftInLastPart',
      'characters',
      'ucs2Characters',
      'replacements',
    ]);
    for (const status of ['400', '401', '413', '415', '429'])
      expect(jsonSchema(op, status).properties!.statusCode).toBeDefined();
    expect(op.security).toEqual([{ 'api-key': [] }]);
  });

  it('POST /messages/{id}/cancel: the message, 404, 409 and 503', () => {
    const op = spec.paths['/messages/{id}/cancel'].post;
    expect(jsonSchema(op, '200').properties!.status).toBeDefined();
    expect(jsonSchema(op, '200').properties!.priority.enum).toEqual(['high', 'normal', 'bulk']);
    for (const status of ['400', '404', '409', '503'])
      expect(Object.keys(jsonSchema(op, status).properties!)).toContain('message');
  });

  it('GET /messages/{id} and /health: their answers', () => {
    const get = spec.paths['/messages/{id}'].get;
    expect(jsonSchema(get, '200').properties!.parts).toBeDefined();
    for (const status of ['400', '404', '503'])
      expect(Object.keys(jsonSchema(get, status).properties!)).toContain('message');
    expect(Object.keys(jsonSchema(spec.paths['/health'].get, '200').properties!)).toEqual([
      'status',
      'accounts',
      'database',
    ]);
    expect(spec.paths['/health'].get.security).toBeUndefined();
  });

  it('/docs serves the interactive page, without a key', async () => {
    const page = await http<string>(service.url, '/docs', { apiKey: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('swagger-ui');
  });
});
