export { SmscSimulator } from './smsc-simulator.js';
export { DEFAULT_ACCOUNTS } from './simulator.options.js';
export type {
  ReceiptOptions,
  ReceiptRule,
  SimulatorAccount,
  SmscSimulatorOptions,
} from './simulator.options.js';
export type { MessageIdStyle } from './message-ids.js';
export { convertMessageId } from './message-ids.js';
export { MALFORMED_KINDS } from './malformed.js';
export type {
  BindInfo,
  BindMode,
  BindRefusedEvent,
  CloseReason,
  ConcatInfo,
  DuplicateSubmit,
  MalformedKind,
  MoPartResult,
  MoRequest,
  MoResult,
  RawTlv,
  ReceiptEvent,
  ReceiptStat,
  SimulatorEvents,
  SimulatorLogger,
  SimulatorStats,
  SubmitRecord,
  UnbindEvent,
} from './simulator.types.js';
