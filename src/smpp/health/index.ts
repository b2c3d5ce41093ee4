// nestjs-smpp/health: the Terminus health indicator (needs @nestjs/terminus).
export { SmppHealthModule } from './smpp-health.module.js';
export {
  SmppHealthIndicator,
  type SmppHealthDetails,
  smppHealthStatusOnly,
} from './smpp-health.indicator.js';
export {
  type AccountHealthDetail,
  type BindHealth,
  type BindHealthDetail,
  type BindHealthStatus,
  type ClusterHealthDetail,
  evaluateBindHealth,
} from './bind-health.js';
