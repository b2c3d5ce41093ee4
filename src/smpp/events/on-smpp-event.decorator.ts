import { extendArrayMetadata } from '@nestjs/common/utils/extend-metadata.util.js';
import type { SmppEventName } from './smpp-events.js';
import type { SmppEventPayload, SmppEventShortName } from './smpp-event-map.js';

/** @nestjs/event-emitter's listener metadata key (what its @OnEvent writes). */
const EVENT_LISTENER_METADATA = 'EVENT_LISTENER_METADATA';

/** The listener options of @nestjs/event-emitter's @OnEvent that apply here. */
export interface OnSmppEventOptions {
  /** Run the handler asynchronously (EventEmitter2's `async`). */
  async?: boolean;
  prependListener?: boolean;
  /**
   * Default false here (true in @nestjs/event-emitter): a throwing handler's error reaches the
   * module, which dispatches the event again with a backoff and dead-letters it in the end.
   */
  suppressErrors?: boolean;
}

/**
 * `@OnEvent` for this module's events, typed: the handler's parameter must be the event's payload
 * class (`@OnSmppEvent('message.delivered') delivered(e: MessageDeliveredEvent)`). Needs
 * EventEmitterModule.forRoot() in the application, like @OnEvent; written without importing
 * @nestjs/event-emitter so that it stays an optional peer.
 */
export function OnSmppEvent<N extends SmppEventShortName | SmppEventName>(
  event: N,
  options?: OnSmppEventOptions,
) {
  const name = event.startsWith('smpp.') ? event : `smpp.${event}`;
  return <H extends (payload: SmppEventPayload<N>) => unknown>(
    _target: object,
    _key: string | symbol,
    descriptor: TypedPropertyDescriptor<H>,
  ): TypedPropertyDescriptor<H> => {
    extendArrayMetadata(
      EVENT_LISTENER_METADATA,
      [{ event: name, options: { suppressErrors: false, ...options } }],
      descriptor.value as unknown as (...args: unknown[]) => unknown,
    );
    return descriptor;
  };
}
