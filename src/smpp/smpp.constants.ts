/** Resolved, validated module options (ResolvedSmppOptions). */
export const SMPP_OPTIONS = Symbol('SMPP_OPTIONS');
/** The BindAllocator that shares bind budgets. */
export const SMPP_BIND_ALLOCATOR = Symbol('SMPP_BIND_ALLOCATOR');
/** The function that opens one SMPP session (replaceable in tests). */
export const SMPP_SESSION_FACTORY = Symbol('SMPP_SESSION_FACTORY');
