import type { HealthCheckResult } from '@nestjs/terminus';
import { z } from 'zod';

const ComponentStatus = z.enum(['up', 'degraded', 'down']);

/** What /health shows anyone: statuses only (no system_id, host, port or error text). */
export const HealthStatusSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'error', 'shutting_down']),
    accounts: z.record(z.string(), ComponentStatus).optional().describe('SMPP account -> status'),
    database: ComponentStatus.optional(),
  })
  .meta({ id: 'HealthStatus' });

/** /health/details: terminus's result with every indicator's details. */
export const HealthDetailsSchema = z
  .object({
    status: z.string(),
    info: z.record(z.string(), z.unknown()).optional(),
    error: z.record(z.string(), z.unknown()).optional(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'HealthDetails' });

export type HealthStatus = z.infer<typeof HealthStatusSchema>;

const asStatus = (s: unknown): z.infer<typeof ComponentStatus> =>
  s === 'up' || s === 'degraded' ? s : 'down';

/** Keeps the statuses of a terminus result and drops every detail. */
export function publicHealth(result: HealthCheckResult): HealthStatus {
  const smpp = result.details.smpp as
    { status?: unknown; accounts?: Record<string, { status?: unknown }> } | undefined;
  const accounts = Object.fromEntries(
    Object.entries(smpp?.accounts ?? {}).map(([name, a]) => [name, asStatus(a?.status)]),
  );
  return {
    status: result.status,
    accounts,
    database: asStatus(result.details.database?.status),
  };
}
