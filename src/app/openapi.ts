/**
 * The API description, generated from the controllers (@nestjs/swagger reads the decorators and
 * the zod schemas given to @Body and @ApiResponse): JSON at /openapi.json, a browsable page at
 * /docs. Both are public: they describe the API, they do not give access to it.
 */
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('nestjs-smpp reference service')
    .setDescription(
      'Send SMS over SMPP and follow their delivery. Every route except /health and /health/live needs an API key (when the service has API_KEYS), as `Authorization: Bearer <key>` or `X-API-Key: <key>`.',
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .build();
  return SwaggerModule.createDocument(app, config);
}

export function setupOpenApi(app: INestApplication): void {
  const document = createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
    customSiteTitle: 'nestjs-smpp API',
  });
}
