import { InitialSchema1764100000000 } from './1764100000000-InitialSchema.js';
import { ReplicaHandOver1764400000000 } from './1764400000000-ReplicaHandOver.js';

export { InitialSchema1764100000000, ReplicaHandOver1764400000000 };

/** The module's migrations, oldest first: register them in the host's DataSource (no globs). */
export const SMPP_MIGRATIONS = [InitialSchema1764100000000, ReplicaHandOver1764400000000];
