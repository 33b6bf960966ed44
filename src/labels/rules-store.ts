// A brand's routing rules at rest: listed by priority, created by the brand (active) or proposed by
// advice (proposed, until the brand accepts), changed, and removed.
import type { Deps } from '../deps.js';
import type { RoutingRuleRow } from '../db/schema.js';
import { AppError, notFound } from '../lib/errors.js';
import { hasPrefix, newId } from '../lib/ids.js';
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

export type RuleInput = { name: string; priority?: number; status?: 'active' | 'disabled'; conditions: RoutingRule['conditions']; carrier: string; service: string };

export const ruleJson = (row: RoutingRuleRow) => ({
  ...ruleOfRow(row),
  source: row.source as 'brand' | 'advice',
  note: row.note,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export async function listRoutingRules(deps: Pick<Deps, 'db'>, brandId: string): Promise<RoutingRuleRow[]> {
  return deps.db.selectFrom('routing_rules').selectAll().where('brand_id', '=', brandId).orderBy('priority').orderBy('id').execute();
}

export async function findRoutingRule(deps: Pick<Deps, 'db'>, brandId: string, ruleId: string): Promise<RoutingRuleRow> {
  const row = hasPrefix(ruleId, 'rule') ? await deps.db.selectFrom('routing_rules').selectAll().where('brand_id', '=', brandId).where('id', '=', ruleId).executeTakeFirst() : undefined;
  if (!row) throw notFound(`routing rule ${ruleId}`);
  return row;
}

async function priorityAfter(deps: Pick<Deps, 'db'>, brandId: string, edge: 'max' | 'min'): Promise<number> {
  const found = await deps.db
    .selectFrom('routing_rules')
    .select((eb) => (edge === 'max' ? eb.fn.max('priority') : eb.fn.min('priority')).as('p'))
    .where('brand_id', '=', brandId)
    .executeTakeFirst();
  const p = found?.p === null || found?.p === undefined ? null : Number(found.p);
  if (p === null) return 100;
  return edge === 'max' ? p + 10 : p - 10;
}

export async function createRoutingRule(deps: Pick<Deps, 'db' | 'clock'>, brandId: string, input: RuleInput, origin: { source: 'brand' | 'advice'; note?: string } = { source: 'brand' }): Promise<RoutingRuleRow> {
  const at = deps.clock.now().toISOString();
  const advice = origin.source === 'advice';
  const row: RoutingRuleRow = {
    id: newId('rule'),
    brand_id: brandId,
    name: input.name,
    // Appended after the brand's rules; advice, once accepted, goes before them.
    priority: input.priority ?? (await priorityAfter(deps, brandId, advice ? 'min' : 'max')),
    status: advice ? 'proposed' : (input.status ?? 'active'),
    conditions: JSON.stringify(input.conditions),
    carrier: input.carrier,
    service: input.service,
    source: origin.source,
    note: origin.note ?? null,
    created_at: at,
    updated_at: at,
  };
  await deps.db.insertInto('routing_rules').values(row).execute();
  return row;
}

/** Advice (e.g. "FedEx is stalling in Ohio") becomes a rule the brand can accept: proposed, not yet applied. */
export const proposeRoutingRule = (deps: Pick<Deps, 'db' | 'clock'>, brandId: string, input: Omit<RuleInput, 'status'>, note: string) =>
  createRoutingRule(deps, brandId, input, { source: 'advice', note });

export async function updateRoutingRule(deps: Pick<Deps, 'db' | 'clock'>, brandId: string, ruleId: string, patch: Partial<RuleInput>): Promise<RoutingRuleRow> {
  const row = await findRoutingRule(deps, brandId, ruleId);
  if (patch.status && row.status === 'proposed') throw new AppError('invalid_transition', `rule ${ruleId} is a proposal: accept it (POST /v1/routing-rules/${ruleId}/accept) or delete it`);
  const next: RoutingRuleRow = {
    ...row,
    name: patch.name ?? row.name,
    priority: patch.priority ?? row.priority,
    status: patch.status ?? row.status,
    conditions: patch.conditions ? JSON.stringify(patch.conditions) : row.conditions,
    carrier: patch.carrier ?? row.carrier,
    service: patch.service ?? row.service,
    updated_at: deps.clock.now().toISOString(),
  };
  await deps.db.updateTable('routing_rules').set(next).where('id', '=', row.id).execute();
  return next;
}

export async function acceptRoutingRule(deps: Pick<Deps, 'db' | 'clock'>, brandId: string, ruleId: string): Promise<RoutingRuleRow> {
  const row = await findRoutingRule(deps, brandId, ruleId);
  if (row.status !== 'proposed') throw new AppError('invalid_transition', `rule ${ruleId} is ${row.status}, not a proposal`);
  const next = { ...row, status: 'active', updated_at: deps.clock.now().toISOString() };
  await deps.db.updateTable('routing_rules').set({ status: next.status, updated_at: next.updated_at }).where('id', '=', row.id).execute();
  return next;
}

export async function deleteRoutingRule(deps: Pick<Deps, 'db'>, brandId: string, ruleId: string): Promise<void> {
  const row = await findRoutingRule(deps, brandId, ruleId);
  await deps.db.deleteFrom('routing_rules').where('id', '=', row.id).execute();
}
