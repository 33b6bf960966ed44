// Rows a transaction reads in order to change them (a shipment about to be folded, an order whose
// returns or refunds are checked, a carrier account's counts) must stay as read until it commits:
// otherwise two concurrent changes each write a state missing the other's. PostgreSQL needs the
// rows locked (FOR UPDATE); SQLite's transactions begin IMMEDIATE, one writer at a time, already.
// Callers that lock several rows order them by id, so concurrent transactions lock in one order.

export const lockedForUpdate = <QB extends { forUpdate(): QB }>(query: QB, dialect: 'sqlite' | 'postgres'): QB =>
  dialect === 'postgres' ? query.forUpdate() : query;
