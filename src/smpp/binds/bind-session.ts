import type {
  BindMode,
  SessionOptions,
  SessionState,
  SubmitSmRequest,
  SubmitSmResult,
} from '../session/session.types.js';

export interface SessionCloseInfo {
  error?: Error;
  graceful: boolean;
}

/** What the bind manager and the dispatcher need of one bound session. */
export interface BindSession {
  readonly state: SessionState;
  readonly mode: BindMode;
  readonly outstanding: number;
  readonly windowFree: number;
  readonly queued: number;
  tokensAvailable(): number;
  submit(request: SubmitSmRequest): Promise<SubmitSmResult>;
  unbind(): Promise<void>;
  destroy(reason?: Error | string): void;
  once(event: 'close', listener: (info: SessionCloseInfo) => void): unknown;
}

export type OpenSession = (options: SessionOptions) => Promise<BindSession>;
