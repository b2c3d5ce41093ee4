// The public API of nestjs-smpp. Health: 'nestjs-smpp/health'; simulator: 'nestjs-smpp/simulator';
// tests: 'nestjs-smpp/testing'; bind allocators and raw telemetry: 'nestjs-smpp/advanced'.

// Module and service
export { SmppModule } from './smpp.module.js';
export {
  SMPP_MODULE_OPTIONS,
  type SmppModuleAsyncOptions,
  type SmppModuleForRootOptions,
  type SmppOptionsFactory,
} from './smpp.module-definition.js';
export { SmppService, type SentMessage } from './smpp.service.js';
export {
  type AccountSendOptions,
  getSmppAccountToken,
  InjectSmppAccount,
  SmppAccount,
} from './smpp-account.js';

// Options
export type {
  SmppAccountOptions,
  SmppLanesOptions,
  SmppBindsOptions,
  SmppModuleOptions,
  SmppReconnectOptions,
  SmppRegion,
} from './config/smpp-options.interface.js';
export type { SmppTlsOptions } from './config/tls-policy.js';
export { SMPP_PLAIN_PORT, SMPP_REGION_HOSTS, SMPP_TLS_PORT } from './config/regions.js';
export type { BindAllocator, BindLease } from './binds/bind-allocator.js';
export type { PostgresBindAllocatorOptions } from './binds/postgres-bind-allocator.js';
export type { SessionTlsOptions } from './session/session.types.js';
export type { MessagePriority, SendOptions, SmppMessagesOptions } from './messages/send-options.js';
export { MAX_EXPIRY_MS, MAX_SCHEDULE_AHEAD_MS } from './messages/lanes-and-time.js';
export type {
  Concatenation,
  EncodingChoice,
  MessageEncoding,
} from './messages/encoding/segmenter.js';
export {
  estimateMessage,
  type EstimateInput,
  type EstimateLimits,
  type MessageEstimate,
} from './messages/estimate.js';
export {
  SMART_ENCODING_RULES,
  type SmartEncodingRule,
  type SmartReplacement,
} from './messages/encoding/smart-encoding.js';

// What the service returns
export type { SmppMessagePartView, SmppMessageView } from './messages/message-view.js';
export type { MessageStatus, PartStatus } from './messages/message-status.js';
export type {
  AccountBindStatus,
  BindSlotState,
  BindStatus,
  ClusterBindStatus,
  ReplicaBindStatus,
} from './binds/bind-status.js';
export type { BindMode } from './session/session.types.js';

// Retention and store statistics
export {
  RETENTION_DEFAULTS,
  RETENTION_TABLES,
  type PurgeResult,
  type RetentionTable,
  type SmppRetentionOptions,
  type SmppStoreStats,
} from './retention/index.js';

// Events
export { SmppEvents, type SmppEventName } from './events/smpp-events.js';
export type {
  SmppEventMap,
  SmppEventPayload,
  SmppEventShortName,
} from './events/smpp-event-map.js';
export { OnSmppEvent, type OnSmppEventOptions } from './events/on-smpp-event.decorator.js';
export { BindDownEvent, BindUpEvent } from './events/bind-events.js';
export {
  InboundQuarantinedEvent,
  InboundReceivedEvent,
  MessageCancelledEvent,
  MessageDeliveredEvent,
  MessageExpiredEvent,
  MessageFailedEvent,
  MessageSubmittedEvent,
  MessageUnknownEvent,
  MessageUnknownResolvedEvent,
  ReceiptReceivedEvent,
} from './events/message-events.js';

// Errors, and their HTTP mapping
export * from './errors.js';
export {
  CommandStatus,
  commandStatusName,
  type CommandStatusName,
} from './protocol/command-status.js';
export { SmppExceptionFilter, type SmppErrorResponse } from './http/smpp-exception.filter.js';

// Persistence
export {
  SMPP_ENTITIES,
  SmppBindLease,
  SmppInboundFragment,
  SmppInboundMessage,
  SmppMessage,
  SmppMessagePart,
  SmppOutboxEvent,
  SmppReceipt,
} from './entities/index.js';
export { SMPP_MIGRATIONS } from '../../migrations/index.js';
