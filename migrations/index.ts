import { InitialSchema1764100000000 } from './1764100000000-InitialSchema.js';
import { OutboxRetries1764300000000 } from './1764300000000-OutboxRetries.js';

export { InitialSchema1764100000000, OutboxRetries1764300000000 };

/** The module's migrations, oldest first: register them in the host's DataSource (no globs). */
export const SMPP_MIGRATIONS = [InitialSchema1764100000000, OutboxRetries1764300000000];
