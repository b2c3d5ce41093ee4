// The public API of nestjs-smpp.
export { SmppModule } from './smpp.module.js';
export {
  SMPP_ASYNC_OPTIONS_TYPE,
  SMPP_MODULE_OPTIONS,
  SMPP_OPTIONS_TYPE,
} from './smpp.module-definition.js';
export { SmppService, type SentMessage } from './smpp.service.js';
export { SMPP_OPTIONS } from './smpp.constants.js';

// Options
export type {
  SmppAccountOptions,
  SmppBindsOptions,
  SmppModuleOptions,
  SmppReconnectOptions,
  SmppRegion,
} from './config/smpp-options.interface.js';
export type { SmppTlsOptions } from './config/tls-policy.js';
export type { ResolvedSmppOptions } from './config/resolve-options.js';
export type { ResolvedAccount } from './config/resolved-options.js';
export { SMPP_PLAIN_PORT, SMPP_REGION_HOSTS, SMPP_TLS_PORT } from './config/regions.js';
export type { SendOptions, SmppMessagesOptions } from './messages/send-options.js';
export type { SmppMessagePartView, SmppMessageView } from './messages/message-view.js';
export type { MessageStatus, PartStatus } from './store/message-status.js';
export type { EncodingChoice, MessageEncoding } from './messages/encoding/segmenter.js';

// Retention and store statistics
export {
  RETENTION_DEFAULTS,
  RETENTION_TABLES,
  type PurgeResult,
  type RetentionTable,
  type SmppRetentionOptions,
  type SmppStoreStats,
} from './retention/index.js';

// Binds
export { BindManager, BindTimeoutError, type DeliverContext } from './binds/bind-manager.js';
export type { AccountBindStatus, BindSlotState, BindStatus } from './binds/bind-status.js';
export {
  type BindAllocator,
  type BindLease,
  InProcessBindAllocator,
} from './binds/bind-allocator.js';
export {
  PostgresBindAllocator,
  type PostgresBindAllocatorOptions,
} from './binds/postgres-bind-allocator.js';
export type { BindMode, SessionTlsOptions } from './session/session.types.js';

// Events
export { SmppEvents, type SmppEventName } from './events/smpp-events.js';
export { BindDownEvent, BindUpEvent } from './events/bind-events.js';
export {
  InboundQuarantinedEvent,
  InboundReceivedEvent,
  MessageDeliveredEvent,
  MessageFailedEvent,
  MessageSubmittedEvent,
  MessageUnknownEvent,
  ReceiptReceivedEvent,
} from './events/message-events.js';
export {
  SmppTelemetry,
  type EventDispatchObservation,
  type QuarantineObservation,
  type ReceiptObservation,
  type StoreGiveUpObservation,
  type SubmitObservation,
  type UnknownObservation,
} from './telemetry/smpp-telemetry.js';

// Errors
export {
  BindRefusedError,
  CommandError,
  ConnectionClosedError,
  ConnectTimeoutError,
  type FieldError,
  MessageConflictError,
  MessageStoreError,
  QueueFullError,
  ResponseTimeoutError,
  SessionNotReadyError,
  SmppBackpressureError,
  SmppConfigError,
  SmppError,
  SmppValidationError,
} from './errors.js';
export { MessageNotSubmittedError, SubmitWaitTimeoutError } from './dispatch/submit-waiters.js';
export {
  CommandStatus,
  commandStatusName,
  type CommandStatusName,
} from './protocol/command-status.js';
export { errorReason } from './receipts/error-reasons.js';

// Persistence
export * from './entities/index.js';
export { SMPP_MIGRATIONS } from '../../migrations/index.js';

// Simulator (for applications' own tests)
export { SmscSimulator } from '../simulator/index.js';
export type { SmscSimulatorOptions, SimulatorStats, SubmitRecord } from '../simulator/index.js';
