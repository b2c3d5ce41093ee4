/**
 * What every request meets before a controller: no X-Powered-By, JSON bodies only (415
 * otherwise), a size limit (413), and broken JSON answered in the API's 400 shape.
 */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { boundedFieldError } from './field-errors.js';

/** The largest request body accepted (a 10-part UCS-2 text, escaped, fits several times). */
export const REQUEST_BODY_LIMIT = '32kb';

interface Req {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  is(type: string): string | false | null;
}
interface Res {
  status(code: number): { json(body: unknown): void };
}
type Next = (error?: unknown) => void;

export function applyHttpHygiene(app: NestExpressApplication): void {
  app.disable('x-powered-by');

  app.use((req: Req, res: Res, next: Next) => {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined ||
      Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('application/json')) {
      res.status(415).json({
        statusCode: 415,
        message: 'Send the body as JSON, with Content-Type: application/json',
      });
      return;
    }
    next();
  });
  app.useBodyParser('json', { limit: REQUEST_BODY_LIMIT });
  app.use((error: { type?: string; message?: string }, _req: Req, res: Res, next: Next) => {
    if (error?.type === 'entity.parse.failed') {
      res.status(400).json({
        statusCode: 400,
        message: 'Invalid request',
        errors: [
          boundedFieldError({ field: 'body', message: `not valid JSON: ${error.message ?? ''}` }),
        ],
      });
    } else if (error?.type === 'entity.too.large') {
      res.status(413).json({
        statusCode: 413,
        message: `The body is larger than ${REQUEST_BODY_LIMIT}`,
      });
    } else if (error?.type === 'charset.unsupported' || error?.type === 'encoding.unsupported') {
      res.status(415).json({ statusCode: 415, message: error.message ?? 'Unsupported encoding' });
    } else {
      next(error);
    }
  });
}
