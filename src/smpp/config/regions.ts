import type { SmppRegion } from './smpp-options.interface.js';

export const SMPP_REGION_HOSTS: Readonly<Record<SmppRegion, string>> = {
  sg: 'smpp.8x8.com',
  eu: 'smpp.8x8.uk',
  id: 'smpp.8x8.id',
};

export const SMPP_PLAIN_PORT = 2775;
export const SMPP_TLS_PORT = 2776;
