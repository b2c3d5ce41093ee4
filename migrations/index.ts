import { InitialSchema1764100000000 } from './1764100000000-InitialSchema.js';
import { HostileInputBounds1764200000000 } from './1764200000000-HostileInputBounds.js';
import { OutboxRetries1764300000000 } from './1764300000000-OutboxRetries.js';
import { ReplicaHandOver1764400000000 } from './1764400000000-ReplicaHandOver.js';
import { RetentionIndexes1764500000000 } from './1764500000000-RetentionIndexes.js';
import { LanesAndTime1764600000000 } from './1764600000000-LanesAndTime.js';
import { SmartEncoding1764610000000 } from './1764610000000-SmartEncoding.js';
import { UnknownResolution1764620000000 } from './1764620000000-UnknownResolution.js';
import { RetentionVacuum1764630000000 } from './1764630000000-RetentionVacuum.js';
import { SubmittedRetention1764640000000 } from './1764640000000-SubmittedRetention.js';
import { OutboxOrderIndex1764650000000 } from './1764650000000-OutboxOrderIndex.js';

export {
  HostileInputBounds1764200000000,
  InitialSchema1764100000000,
  LanesAndTime1764600000000,
  OutboxRetries1764300000000,
  ReplicaHandOver1764400000000,
  RetentionIndexes1764500000000,
  SmartEncoding1764610000000,
  UnknownResolution1764620000000,
  RetentionVacuum1764630000000,
  SubmittedRetention1764640000000,
  OutboxOrderIndex1764650000000,
};

/** The module's migrations, oldest first: register them in the host's DataSource (no globs). */
export const SMPP_MIGRATIONS = [
  InitialSchema1764100000000,
  HostileInputBounds1764200000000,
  OutboxRetries1764300000000,
  ReplicaHandOver1764400000000,
  RetentionIndexes1764500000000,
  LanesAndTime1764600000000,
  SmartEncoding1764610000000,
  UnknownResolution1764620000000,
  RetentionVacuum1764630000000,
  SubmittedRetention1764640000000,
  OutboxOrderIndex1764650000000,
];
