import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeys } from './api-keys.js';
import { IS_PUBLIC } from './public.decorator.js';

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The id of the API key the request came with (see ApiKeys.match). */
  apiKeyId?: string;
}

/** The key presented as `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedApiKey(req: AuthenticatedRequest): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = req.headers.authorization;
  const match = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return match?.[1];
}

/** Every route needs an API key (when keys are configured), except those marked @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeys,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.keys.enabled) return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = presentedApiKey(req);
    const id = key === undefined ? undefined : this.keys.match(key);
    if (id === undefined) {
      context
        .switchToHttp()
        .getResponse<{ setHeader(name: string, value: string): void }>()
        .setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException(
        key === undefined
          ? 'An API key is required: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"'
          : 'The API key is not valid',
      );
    }
    req.apiKeyId = id;
    return true;
  }
}
