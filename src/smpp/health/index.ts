// nestjs-smpp/health: the Terminus health indicator (needs @nestjs/terminus).
export { SmppHealthModule } from './smpp-health.module.js';
export { SmppHealthIndicator } from './smpp-health.indicator.js';
export {
  type AccountHealthDetail,
  type BindHealth,
  type BindHealthDetail,
  type BindHealthStatus,
  evaluateBindHealth,
} from './bind-health.js';
