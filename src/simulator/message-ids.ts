import { randomInt, randomUUID } from 'node:crypto';

/** uuid: 36-character UUID (8x8); hex / decimal: counters as other SMSCs return them. */
export type MessageIdStyle = 'uuid' | 'hex' | 'decimal';

/** Hands out unique message ids; hex and decimal ids come from one counter with a random start. */
export class MessageIdGenerator {
  // 10 hex digits / 11-12 decimal digits, far from wrapping.
  private counter = BigInt(randomInt(0x10_0000, 0x80_0000)) << 16n;

  next(style: MessageIdStyle): string {
    if (style === 'uuid') return randomUUID();
    this.counter += 1n;
    return style === 'hex' ? this.counter.toString(16) : this.counter.toString(10);
  }
}

function valueOf(id: string, style: MessageIdStyle): bigint {
  switch (style) {
    case 'uuid':
      return BigInt(`0x${id.replace(/-/g, '')}`);
    case 'hex':
      return BigInt(`0x${id}`);
    case 'decimal':
      return BigInt(id);
  }
}

function render(value: bigint, style: MessageIdStyle): string {
  switch (style) {
    case 'uuid': {
      const hex = value.toString(16).padStart(32, '0');
      return [
        hex.slice(0, 8),
        hex.slice(8, 12),
        hex.slice(12, 16),
        hex.slice(16, 20),
        hex.slice(20),
      ].join('-');
    }
    case 'hex':
      return value.toString(16);
    case 'decimal':
      return value.toString(10);
  }
}

/**
 * The same id in another style: hex "1a2b" becomes decimal "6699", as SMSCs that answer
 * submit_sm in hex and send receipts in decimal do.
 */
export function convertMessageId(id: string, from: MessageIdStyle, to: MessageIdStyle): string {
  if (from === to) return id;
  return render(valueOf(id, from), to);
}
