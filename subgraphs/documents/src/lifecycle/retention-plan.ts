import type { RetentionRecordType } from '@vartija/db';

/**
 * The disposal plan (issue 13 item 2), pure: which of a client's records are due at a date and why. The
 * facts come from SQL (disposal-store.ts: one row per client × service task × record type); the dates and
 * the decisions are computed here, so the rule is in one place and unit-tested (retention-plan.test.ts).
 *
 * Fail safe throughout: no class, no trigger date (a relationship, commission or placement of the task still in
 * force, no death recorded), an undecided data-subject request of the client, or a record that refers to it and
 * stays: the record stays.
 */

export type DisposalAction = 'DELETE' | 'ANONYMISE';
/** What a group of records gets: kept, kept without identifiers, or removed (in that order of strength). */
export type GroupAction = 'KEEP' | DisposalAction;
export type RetentionTrigger = 'RELATIONSHIP_END' | 'CLIENT_DEATH';

export interface RetentionClassRule {
  id: string;
  /** null: every service task without a class of its own. */
  serviceTask: string | null;
  /** null: every record type without a class of its own. */
  recordType: RetentionRecordType | null;
  trigger: RetentionTrigger;
  retainMonths: number;
  action: DisposalAction;
  legalSource: string;
}

/**
 * The records of one client of one record type in one service task (null: records without a unit, which
 * belong to the client as a whole: the client row, guardians, consents and requests recorded without a unit).
 */
export interface RecordGroup {
  clientId: string;
  serviceTask: string | null;
  recordType: RetentionRecordType;
  count: number;
  /** How many still hold something anonymisation would clear. */
  pristine: number;
  /**
   * RELATIONSHIP, COMMISSION and PLACEMENT groups: the latest end, and whether one has none (still open; an
   * end later than asOf is in force too). DATA_SUBJECT_REQUEST groups: anyOpen when one is undecided.
   */
  lastEndedOn: string | null;
  anyOpen: boolean;
  /** The CLIENT group: the date of death, if recorded. */
  diedOn: string | null;
}

/** Records of the child group refer to records of the parent group (a foreign key), within one client. */
export interface GroupEdge {
  clientId: string;
  childTask: string | null;
  childType: RetentionRecordType;
  parentTask: string | null;
  parentType: RetentionRecordType;
}

export interface PlannedGroup extends RecordGroup {
  retentionClass: RetentionClassRule | null;
  retentionEndedOn: string | null;
  dueOn: string | null;
  /** Due at asOf under its own class. */
  due: boolean;
  /** After the records that refer to it were taken into account. */
  action: GroupAction;
  reason: string;
}

export interface PlannedItem {
  clientId: string;
  serviceTask: string | null;
  recordType: RetentionRecordType;
  count: number;
  action: DisposalAction;
  retentionEndedOn: string;
  dueOn: string;
  legalSource: string;
  classId: string;
  reason: string;
}

export interface PlanInput {
  classes: readonly RetentionClassRule[];
  disposalMonths: readonly number[];
  /** YYYY-MM-DD */
  asOf: string;
  groups: readonly RecordGroup[];
  edges: readonly GroupEdge[];
}

const RANK: Readonly<Record<GroupAction, number>> = { KEEP: 0, ANONYMISE: 1, DELETE: 2 };

// ---- dates (calendar days as YYYY-MM-DD) ---------------------------------------------------------

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** `months` calendar months after the day; the day of month is clamped (2024-01-31 + 1 → 2024-02-29), as PostgreSQL does. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(d, daysInMonth(year, month)))}`;
}

/**
 * The first disposal day on or after `day`: the first day of the first disposal month that does not begin
 * before it; `day` itself without a schedule. E.g. months [3, 10]: 2026-11-02 → 2027-03-01, 2026-10-01 → 2026-10-01.
 */
export function nextDisposalDay(day: string, disposalMonths: readonly number[]): string {
  if (disposalMonths.length === 0) return day;
  const months = [...disposalMonths].sort((a, b) => a - b);
  const year = Number(day.slice(0, 4));
  for (const y of [year, year + 1]) {
    for (const m of months) {
      const first = `${pad(y, 4)}-${pad(m)}-01`;
      if (first >= day) return first;
    }
  }
  throw new Error('unreachable: a disposal month recurs every year');
}

/** Whether a run at `asOf` may remove anything: always without a schedule, else only in a disposal month. */
export function isDisposalMonth(asOf: string, disposalMonths: readonly number[]): boolean {
  return disposalMonths.length === 0 || disposalMonths.includes(Number(asOf.slice(5, 7)));
}

// ---- classes -------------------------------------------------------------------------------------

/** The most specific class: (task, type) > (task, any) > (any, type) > (any, any); none: never due. */
export function resolveClass(classes: readonly RetentionClassRule[], serviceTask: string | null, recordType: RetentionRecordType): RetentionClassRule | null {
  const find = (task: string | null, type: RetentionRecordType | null) => classes.find((c) => c.serviceTask === task && c.recordType === type);
  return (serviceTask !== null ? (find(serviceTask, recordType) ?? find(serviceTask, null)) : undefined) ?? find(null, recordType) ?? find(null, null) ?? null;
}

// ---- the plan ------------------------------------------------------------------------------------

const groupKey = (clientId: string, task: string | null, type: string) => `${clientId}\u0000${task ?? '*'}\u0000${type}`;
const maxDay = (a: string, b: string) => (a > b ? a : b);
const describeTask = (task: string | null) => task ?? 'the client as a whole';

/** Record types whose records have a period: while one of a service task is in force, the task's records stay. */
const PERIOD_TYPES: readonly RetentionRecordType[] = ['RELATIONSHIP', 'COMMISSION', 'PLACEMENT'];
const inForce = (g: RecordGroup, asOf: string) => g.anyOpen || g.lastEndedOn === null || g.lastEndedOn > asOf;

/** Whether an undecided data-subject request holds the client: nothing of it is disposed of meanwhile. */
const requestPending = (client: readonly RecordGroup[]) => client.some((g) => g.recordType === 'DATA_SUBJECT_REQUEST' && g.anyOpen);

/**
 * The trigger date of a group's class, or null while it cannot be counted: a relationship, commission or
 * placement of the task in force at asOf (the service lasts), no relationship at all, no death recorded.
 * Retention runs from the task's last relationship end, or from a commission's or placement's if later.
 */
function triggerDate(group: RecordGroup, rule: RetentionClassRule, client: readonly RecordGroup[], asOf: string): { on: string; text: string } | null {
  if (rule.trigger === 'CLIENT_DEATH') {
    const died = client.find((g) => g.recordType === 'CLIENT')?.diedOn ?? null;
    return died ? { on: died, text: `the client died on ${died}` } : null;
  }
  const periods = client.filter((g) => PERIOD_TYPES.includes(g.recordType) && (group.serviceTask === null || g.serviceTask === group.serviceTask));
  const relationships = periods.filter((g) => g.recordType === 'RELATIONSHIP');
  if (relationships.length === 0 || periods.some((g) => inForce(g, asOf))) return null;
  const lastRelationship = relationships.map((r) => r.lastEndedOn!).reduce(maxDay);
  const last = periods.map((g) => g.lastEndedOn!).reduce(maxDay);
  const whose = group.serviceTask === null ? "the client's last" : `the last ${group.serviceTask}`;
  const text = `${whose} relationship ended on ${lastRelationship}`;
  return { on: last, text: last === lastRelationship ? text : `${text}, the last commission or placement of it on ${last}` };
}

/**
 * Plans every group: its class, when its retention ends and when it is due, and what happens to it at asOf.
 * Records without a unit are due only once every relationship of the client is due. A record that others
 * refer to (a foreign key; every record refers to the client row) gets at most what they get: it is kept
 * while they are kept, and kept without identifiers while they are.
 */
export function planGroups(input: PlanInput): PlannedGroup[] {
  const months = input.disposalMonths;
  const schedule = months.length > 0 ? `, disposed of on the first day of month ${[...months].sort((a, b) => a - b).join(' or ')}` : '';
  const byClient = new Map<string, RecordGroup[]>();
  for (const g of input.groups) byClient.set(g.clientId, [...(byClient.get(g.clientId) ?? []), g]);

  const planned = new Map<string, PlannedGroup>();
  for (const [clientId, client] of byClient) {
    const pending = requestPending(client);
    const own = client.map((group) => {
      const rule = resolveClass(input.classes, group.serviceTask, group.recordType);
      if (!rule) return { ...group, retentionClass: null, retentionEndedOn: null, dueOn: null, due: false, action: 'KEEP' as GroupAction, reason: 'no retention class applies: kept' };
      if (pending) {
        const reason = 'kept: a data-subject request of the client is undecided (nothing is disposed of until it is decided)';
        return { ...group, retentionClass: rule, retentionEndedOn: null, dueOn: null, due: false, action: 'KEEP' as GroupAction, reason };
      }
      const trigger = triggerDate(group, rule, client, input.asOf);
      if (!trigger) {
        const waiting =
          rule.trigger === 'CLIENT_DEATH' ? 'no date of death is recorded' : `a ${describeTask(group.serviceTask)} relationship, commission or placement is in force, or no relationship exists`;
        return { ...group, retentionClass: rule, retentionEndedOn: null, dueOn: null, due: false, action: 'KEEP' as GroupAction, reason: `kept: ${waiting}` };
      }
      const retentionEndedOn = addMonths(trigger.on, rule.retainMonths);
      const dueOn = nextDisposalDay(retentionEndedOn, months);
      const reason = `${group.recordType} of ${describeTask(group.serviceTask)}: ${trigger.text}, kept ${rule.retainMonths} months (${rule.legalSource})${schedule}`;
      return { ...group, retentionClass: rule, retentionEndedOn, dueOn, due: false, action: 'KEEP' as GroupAction, reason };
    });
    // Records without a unit wait for every relationship of the client.
    const relationships = own.filter((g) => g.recordType === 'RELATIONSHIP');
    for (const g of own) {
      if (g.serviceTask !== null || g.dueOn === null) continue;
      if (relationships.length === 0 || relationships.some((r) => r.dueOn === null)) {
        Object.assign(g, { dueOn: null, reason: `${g.reason}; kept until every relationship of the client is due` });
        continue;
      }
      const last = relationships.map((r) => r.dueOn!).reduce(maxDay, g.dueOn);
      if (last !== g.dueOn) Object.assign(g, { dueOn: last, reason: `${g.reason}; due with the client's last relationship on ${last}` });
    }
    for (const g of own) {
      g.due = g.dueOn !== null && g.dueOn <= input.asOf;
      g.action = g.due ? g.retentionClass!.action : 'KEEP';
      planned.set(groupKey(clientId, g.serviceTask, g.recordType), g);
    }
  }

  // A parent gets at most what the records referring to it get (repeat until nothing changes: chains are short).
  const edges = [...input.edges];
  for (const g of input.groups) if (g.recordType !== 'CLIENT') edges.push({ clientId: g.clientId, childTask: g.serviceTask, childType: g.recordType, parentTask: null, parentType: 'CLIENT' });
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of edges) {
      const child = planned.get(groupKey(e.clientId, e.childTask, e.childType));
      const parent = planned.get(groupKey(e.clientId, e.parentTask, e.parentType));
      if (!child || !parent || child === parent || RANK[child.action] >= RANK[parent.action]) continue;
      const why = child.action === 'KEEP' ? 'kept' : 'kept without identifiers';
      parent.action = child.action;
      parent.reason = `${parent.reason}; ${why} because ${child.recordType} of ${describeTask(child.serviceTask)} referring to it is ${why}`;
      changed = true;
    }
  }
  return [...planned.values()];
}

/** What a run at asOf removes or anonymises: one item per acted-on group (anonymisation only where something is left to clear). */
export function itemsOf(groups: readonly PlannedGroup[]): PlannedItem[] {
  const items: PlannedItem[] = [];
  for (const g of groups) {
    if (g.action === 'KEEP') continue;
    const count = g.action === 'DELETE' ? g.count : g.pristine;
    if (count === 0) continue;
    items.push({
      clientId: g.clientId,
      serviceTask: g.serviceTask,
      recordType: g.recordType,
      count,
      action: g.action,
      retentionEndedOn: g.retentionEndedOn!,
      dueOn: g.dueOn!,
      legalSource: g.retentionClass!.legalSource,
      classId: g.retentionClass!.id,
      reason: g.reason,
    });
  }
  return items.sort((a, b) => a.clientId.localeCompare(b.clientId) || (a.serviceTask ?? '').localeCompare(b.serviceTask ?? '') || a.recordType.localeCompare(b.recordType));
}

/** The plan's items at asOf. */
export function planDisposal(input: PlanInput): PlannedItem[] {
  return itemsOf(planGroups(input));
}

/** Items summed per record type and action (DisposalRun.counts). */
export function countsOf(items: readonly PlannedItem[]): { recordType: RetentionRecordType; action: DisposalAction; count: number }[] {
  const sums = new Map<string, { recordType: RetentionRecordType; action: DisposalAction; count: number }>();
  for (const i of items) {
    const key = `${i.recordType}/${i.action}`;
    const sum = sums.get(key) ?? { recordType: i.recordType, action: i.action, count: 0 };
    sum.count += i.count;
    sums.set(key, sum);
  }
  return [...sums.values()].sort((a, b) => a.recordType.localeCompare(b.recordType) || a.action.localeCompare(b.action));
}
