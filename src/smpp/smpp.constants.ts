/** Resolved, validated module options (ResolvedSmppOptions). Internal: applications use SMPP_MODULE_OPTIONS. */
export const SMPP_OPTIONS = Symbol('SMPP_OPTIONS');
/** The host's TypeORM DataSource, injected by its token (getDataSourceToken). */
export const SMPP_DATA_SOURCE = Symbol('SMPP_DATA_SOURCE');
/** The BindAllocator that shares bind budgets. */
export const SMPP_BIND_ALLOCATOR = Symbol('SMPP_BIND_ALLOCATOR');
/** The function that opens one SMPP session (replaceable in tests). */
export const SMPP_SESSION_FACTORY = Symbol('SMPP_SESSION_FACTORY');
