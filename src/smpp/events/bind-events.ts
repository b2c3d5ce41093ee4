import type { BindMode } from '../session/session.types.js';

/** A bind came up (`smpp.bind.up`). Never carries the password. */
export class BindUpEvent {
  constructor(
    readonly account: string,
    readonly systemId: string,
    readonly bindId: string,
    readonly mode: BindMode,
    readonly at: Date,
  ) {
    Object.freeze(this);
  }
}

/** A bind went down (`smpp.bind.down`); `reason` says why (error message or 'shutdown'). */
export class BindDownEvent {
  constructor(
    readonly account: string,
    readonly systemId: string,
    readonly bindId: string,
    readonly mode: BindMode,
    readonly reason: string,
    readonly at: Date,
  ) {
    Object.freeze(this);
  }
}
