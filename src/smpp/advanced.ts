// nestjs-smpp/advanced: the pieces behind the module, for custom bind allocators and metrics.
export {
  type BindAllocator,
  type BindLease,
  type BindLeaseState,
  type BudgetLeaseView,
  type BudgetReplicaView,
  type BudgetView,
  InProcessBindAllocator,
} from './binds/bind-allocator.js';
export { fairShares, type ReplicaWant } from './binds/fair-share.js';
export {
  PostgresBindAllocator,
  type PostgresBindAllocatorOptions,
} from './binds/postgres-bind-allocator.js';
export {
  SmppTelemetry,
  type EventDispatchObservation,
  type QuarantineObservation,
  type ReceiptObservation,
  type StoreGiveUpObservation,
  type SubmitObservation,
  type UnknownObservation,
  type UnknownResolvedObservation,
} from './telemetry/smpp-telemetry.js';
export { errorReason } from './receipts/error-reasons.js';
