export { SmppSession } from './smpp-session.js';
export { RequestWindow } from './request-window.js';
export { TokenBucket, type Clock, type TokenBucketOptions } from './token-bucket.js';
export { parseDeliverSm, cleanId, Tlv, type DeliverSmParse } from './deliver-sm.js';
export {
  MalformedPduError,
  PduReader,
  readTlvs,
  rawPduOf,
  installRawPduCapture,
  enableStrictFraming,
  type RawTlv,
} from './raw-pdu.js';
export { validateSubmitSm, submitSmFields, MAX_SHORT_MESSAGE } from './submit-sm.js';
export { SESSION_DEFAULTS, sessionOptionIssues, resolveSessionOptions } from './session-options.js';
export type * from './session.types.js';
