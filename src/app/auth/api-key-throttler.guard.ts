import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * Rate limits per API key (set by ApiKeyGuard, which runs first); per client address when the
 * service runs without keys. Over the limit: 429 with Retry-After.
 */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  protected override errorMessage = 'Too many requests: retry after the Retry-After seconds';

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const id = req.apiKeyId;
    return Promise.resolve(typeof id === 'string' ? `key:${id}` : `ip:${String(req.ip)}`);
  }
}
