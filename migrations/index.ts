import { InitialSchema1764100000000 } from './1764100000000-InitialSchema.js';
import { RetentionIndexes1764500000000 } from './1764500000000-RetentionIndexes.js';

export { InitialSchema1764100000000, RetentionIndexes1764500000000 };

/** The module's migrations, oldest first: register them in the host's DataSource (no globs). */
export const SMPP_MIGRATIONS = [InitialSchema1764100000000, RetentionIndexes1764500000000];
