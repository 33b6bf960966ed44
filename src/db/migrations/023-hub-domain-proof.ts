// A custom domain serves a brand's pages only once the brand has proven it owns it (a DNS TXT
// record, src/hub/domains.ts). `domain` stays the domain in force: unique, one brand holds it. A
// domain set but not proven yet waits in `pending_domain`, which two brands may share until one
// of them proves it. Domains set before this migration stay in `domain`, so they go on being
// served and linked: an upgrade takes no live brand off its own address.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One column a statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('brand_hubs').addColumn('pending_domain', 'text').execute();
  await db.schema.alterTable('brand_hubs').addColumn('pending_since', 'text').execute();
  // The last lookup of the pending domain's record and, when it did not prove it, why (shown to the brand).
  await db.schema.alterTable('brand_hubs').addColumn('domain_checked_at', 'text').execute();
  await db.schema.alterTable('brand_hubs').addColumn('domain_problem', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['pending_domain', 'pending_since', 'domain_checked_at', 'domain_problem']) await db.schema.alterTable('brand_hubs').dropColumn(column).execute();
}
