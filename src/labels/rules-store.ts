// A brand's routing rules at rest: listed by priority, created by the brand (active) or proposed by
// advice (proposed, until the brand accepts), changed, and removed.
import type { Deps } from '../deps.js';
import type { RoutingRuleRow } from '../db/schema.js';
import type { RoutingRule } from './choice.js';

export const ruleOfRow = (row: RoutingRuleRow): RoutingRule => ({
  id: row.id,
  name: row.name,
  priority: row.priority,
  status: row.status as RoutingRule['status'],
  conditions: JSON.parse(row.conditions) as RoutingRule['conditions'],
  carrier: row.carrier,
  service: row.service,
});

export async function activeRoutingRules(deps: Pick<Deps, 'db'>, brandId: string): Promise<RoutingRule[]> {
  const rows = await deps.db.selectFrom('routing_rules').selectAll().where('brand_id', '=', brandId).where('status', '=', 'active').orderBy('priority').orderBy('id').execute();
  return rows.map(ruleOfRow);
}
