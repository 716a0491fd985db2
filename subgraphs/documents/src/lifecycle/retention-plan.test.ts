import {
  addMonths,
  countsOf,
  type GroupEdge,
  isDisposalMonth,
  nextDisposalDay,
  planDisposal,
  planGroups,
  type RecordGroup,
  resolveClass,
  type RetentionClassRule,
} from './retention-plan';

const rule = (over: Partial<RetentionClassRule>): RetentionClassRule => ({
  id: over.id ?? `${over.serviceTask ?? '*'}/${over.recordType ?? '*'}`,
  serviceTask: null,
  recordType: null,
  trigger: 'RELATIONSHIP_END',
  retainMonths: 12,
  action: 'DELETE',
  legalSource: 'test',
  ...over,
});
const group = (over: Partial<RecordGroup> & Pick<RecordGroup, 'recordType'>): RecordGroup => ({
  clientId: 'c1',
  serviceTask: over.recordType === 'CLIENT' || over.recordType === 'GUARDIAN' ? null : 'CHILD_WELFARE',
  count: 1,
  pristine: 1,
  lastEndedOn: null,
  anyOpen: false,
  diedOn: null,
  ...over,
});
/** Seed 003: every task, every type, one year after the relationship ends; disposal in March and October. */
const SEED_003 = [rule({})];
const MARCH_OCTOBER = [3, 10];

describe('dates', () => {
  it('adds calendar months, clamping the day like PostgreSQL', () => {
    expect(addMonths('2025-11-10', 12)).toBe('2026-11-10');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2025-12-15', 1)).toBe('2026-01-15');
    expect(addMonths('2000-06-01', 1800)).toBe('2150-06-01');
    expect(addMonths('2025-05-05', 0)).toBe('2025-05-05');
  });

  it('finds the first disposal day on or after the end of retention', () => {
    expect(nextDisposalDay('2026-11-02', MARCH_OCTOBER)).toBe('2027-03-01');
    expect(nextDisposalDay('2026-10-01', MARCH_OCTOBER)).toBe('2026-10-01');
    expect(nextDisposalDay('2026-10-02', MARCH_OCTOBER)).toBe('2027-03-01');
    expect(nextDisposalDay('2026-03-01', MARCH_OCTOBER)).toBe('2026-03-01');
    expect(nextDisposalDay('2026-03-02', [10, 3])).toBe('2026-10-01');
    expect(nextDisposalDay('2026-12-31', [12])).toBe('2027-12-01');
    expect(nextDisposalDay('2026-11-02', [])).toBe('2026-11-02');
  });

  it('knows the disposal months', () => {
    expect(isDisposalMonth('2026-12-10', MARCH_OCTOBER)).toBe(false);
    expect(isDisposalMonth('2027-03-01', MARCH_OCTOBER)).toBe(true);
    expect(isDisposalMonth('2027-10-31', MARCH_OCTOBER)).toBe(true);
    expect(isDisposalMonth('2026-12-10', [])).toBe(true);
  });
});

describe('class resolution', () => {
  const classes = [
    rule({ id: 'any' }),
    rule({ id: 'type', recordType: 'DOCUMENT' }),
    rule({ id: 'task', serviceTask: 'CHILD_WELFARE' }),
    rule({ id: 'both', serviceTask: 'CHILD_WELFARE', recordType: 'DOCUMENT' }),
  ];
  it('takes the most specific class', () => {
    expect(resolveClass(classes, 'CHILD_WELFARE', 'DOCUMENT')?.id).toBe('both');
    expect(resolveClass(classes, 'CHILD_WELFARE', 'DECISION')?.id).toBe('task');
    expect(resolveClass(classes, 'FAMILY_SERVICES', 'DOCUMENT')?.id).toBe('type');
    expect(resolveClass(classes, 'FAMILY_SERVICES', 'DECISION')?.id).toBe('any');
    expect(resolveClass(classes, null, 'DOCUMENT')?.id).toBe('type');
    expect(resolveClass(classes, null, 'CLIENT')?.id).toBe('any');
  });
  it('without a class nothing is due', () => {
    expect(resolveClass([rule({ serviceTask: 'ADULT_SOCIAL_WORK' })], 'CHILD_WELFARE', 'DOCUMENT')).toBeNull();
    const items = planDisposal({ classes: [], disposalMonths: [], asOf: '2100-01-01', groups: [group({ recordType: 'RELATIONSHIP', lastEndedOn: '2000-01-01' })], edges: [] });
    expect(items).toEqual([]);
  });
});

describe("seed 003's example: a relationship ended 13 months before a December day", () => {
  const groups = [
    group({ recordType: 'CLIENT', diedOn: null }),
    group({ recordType: 'RELATIONSHIP', lastEndedOn: '2025-11-10' }),
    group({ recordType: 'DOCUMENT', count: 3, pristine: 3 }),
    group({ recordType: 'GUARDIAN', count: 2, pristine: 2 }),
  ];
  const at = (asOf: string) => planDisposal({ classes: SEED_003, disposalMonths: MARCH_OCTOBER, asOf, groups, edges: [] });

  it('is not due in December, nor at the end of February', () => {
    expect(at('2026-12-10')).toEqual([]);
    expect(at('2027-02-28')).toEqual([]);
  });
  it('is due on the next 1 March, every record of the client', () => {
    const items = at('2027-03-01');
    expect(items.map((i) => [i.recordType, i.count, i.action, i.retentionEndedOn, i.dueOn])).toEqual([
      ['CLIENT', 1, 'DELETE', '2026-11-10', '2027-03-01'],
      ['GUARDIAN', 2, 'DELETE', '2026-11-10', '2027-03-01'],
      ['DOCUMENT', 3, 'DELETE', '2026-11-10', '2027-03-01'],
      ['RELATIONSHIP', 1, 'DELETE', '2026-11-10', '2027-03-01'],
    ]);
    expect(countsOf(items)).toContainEqual({ recordType: 'DOCUMENT', action: 'DELETE', count: 3 });
  });
  it('without a schedule it is due the day retention ends', () => {
    expect(planDisposal({ classes: SEED_003, disposalMonths: [], asOf: '2026-11-10', groups, edges: [] })).toHaveLength(4);
    expect(planDisposal({ classes: SEED_003, disposalMonths: [], asOf: '2026-11-09', groups, edges: [] })).toEqual([]);
  });
});

describe('fail safe', () => {
  it('an open relationship in the task is never due, nor is the client as a whole', () => {
    const groups = [
      group({ recordType: 'CLIENT' }),
      group({ recordType: 'RELATIONSHIP', serviceTask: 'CHILD_WELFARE', lastEndedOn: '2000-01-01', anyOpen: true }),
      group({ recordType: 'DOCUMENT', serviceTask: 'CHILD_WELFARE' }),
      group({ recordType: 'RELATIONSHIP', serviceTask: 'FAMILY_SERVICES', lastEndedOn: '2000-01-01' }),
      group({ recordType: 'DOCUMENT', serviceTask: 'FAMILY_SERVICES' }),
      group({ recordType: 'GUARDIAN' }),
    ];
    const items = planDisposal({ classes: SEED_003, disposalMonths: [], asOf: '2100-01-01', groups, edges: [] });
    expect(items.map((i) => `${i.serviceTask}/${i.recordType}`).sort()).toEqual(['FAMILY_SERVICES/DOCUMENT', 'FAMILY_SERVICES/RELATIONSHIP']);
  });

  it.each([
    ['an open commission', group({ recordType: 'COMMISSION', lastEndedOn: null, anyOpen: true })],
    ['an open placement', group({ recordType: 'PLACEMENT', lastEndedOn: null, anyOpen: true })],
    ['a commission ending after asOf', group({ recordType: 'COMMISSION', lastEndedOn: '2100-01-02' })],
    ['a placement ending after asOf', group({ recordType: 'PLACEMENT', lastEndedOn: '2100-01-02' })],
    ['a relationship ending after asOf', group({ recordType: 'RELATIONSHIP', serviceTask: 'CHILD_WELFARE', lastEndedOn: '2100-01-02' })],
  ])('%s keeps its task, and the client, as an open relationship does', (_name, inForce) => {
    const groups = [
      group({ recordType: 'CLIENT' }),
      group({ recordType: 'GUARDIAN' }),
      group({ recordType: 'RELATIONSHIP', serviceTask: 'CHILD_WELFARE', lastEndedOn: '2020-01-31' }),
      group({ recordType: 'DOCUMENT', serviceTask: 'CHILD_WELFARE' }),
      inForce,
      group({ recordType: 'RELATIONSHIP', serviceTask: 'FAMILY_SERVICES', lastEndedOn: '2000-01-01' }),
      group({ recordType: 'DOCUMENT', serviceTask: 'FAMILY_SERVICES' }),
    ];
    const planned = planGroups({ classes: SEED_003, disposalMonths: [], asOf: '2100-01-01', groups, edges: [] });
    expect(planned.filter((g) => g.action !== 'KEEP').map((g) => `${g.serviceTask}/${g.recordType}`).sort()).toEqual(['FAMILY_SERVICES/DOCUMENT', 'FAMILY_SERVICES/RELATIONSHIP']);
    expect(planned.find((g) => g.serviceTask === 'CHILD_WELFARE' && g.recordType === 'DOCUMENT')!.reason).toMatch(/relationship, commission or placement is in force/);
  });

  it('once the commission or placement ends, retention counts from its end if later than the relationship', () => {
    const groups = [
      group({ recordType: 'CLIENT' }),
      group({ recordType: 'RELATIONSHIP', lastEndedOn: '2020-01-31' }),
      group({ recordType: 'PLACEMENT', lastEndedOn: '2022-06-30' }),
      group({ recordType: 'COMMISSION', lastEndedOn: '2021-05-31' }),
    ];
    const at = (asOf: string) => planDisposal({ classes: SEED_003, disposalMonths: MARCH_OCTOBER, asOf, groups, edges: [] });
    expect(at('2023-03-01')).toEqual([]);
    const items = at('2023-10-01');
    expect(items.map((i) => [i.recordType, i.retentionEndedOn, i.dueOn])).toEqual([
      ['CLIENT', '2023-06-30', '2023-10-01'],
      ['COMMISSION', '2023-06-30', '2023-10-01'],
      ['PLACEMENT', '2023-06-30', '2023-10-01'],
      ['RELATIONSHIP', '2023-06-30', '2023-10-01'],
    ]);
    expect(items[1]!.reason).toMatch(/relationship ended on 2020-01-31, the last commission or placement of it on 2022-06-30/);
  });

  it('an undecided data-subject request keeps every record of the client, whatever the trigger', () => {
    const classes = [rule({}), rule({ serviceTask: 'FAMILY_SERVICES', trigger: 'CLIENT_DEATH', retainMonths: 0 })];
    const groups = (pending: boolean) => [
      group({ recordType: 'CLIENT', diedOn: '2001-01-01' }),
      group({ recordType: 'GUARDIAN' }),
      group({ recordType: 'RELATIONSHIP', lastEndedOn: '2000-01-01' }),
      group({ recordType: 'DOCUMENT' }),
      group({ recordType: 'DOCUMENT', serviceTask: 'FAMILY_SERVICES' }),
      group({ recordType: 'DATA_SUBJECT_REQUEST', serviceTask: 'FAMILY_SERVICES', anyOpen: pending }),
    ];
    expect(planDisposal({ classes, disposalMonths: [], asOf: '2100-01-01', groups: groups(false), edges: [] })).toHaveLength(6);
    const planned = planGroups({ classes, disposalMonths: [], asOf: '2100-01-01', groups: groups(true), edges: [] });
    expect(planned.map((g) => [g.action, g.dueOn])).toEqual(planned.map(() => ['KEEP', null]));
    for (const g of planned) expect(g.reason).toMatch(/data-subject request of the client is undecided/);
  });

  it('CLIENT_DEATH counts from the date of death, never without one', () => {
    const classes = [rule({ serviceTask: 'CHILD_WELFARE', trigger: 'CLIENT_DEATH', retainMonths: 24 })];
    const base = [group({ recordType: 'RELATIONSHIP', lastEndedOn: '2000-01-01' }), group({ recordType: 'DOCUMENT' })];
    expect(planDisposal({ classes, disposalMonths: [], asOf: '2100-01-01', groups: [group({ recordType: 'CLIENT' }), ...base], edges: [] })).toEqual([]);
    const dead = [group({ recordType: 'CLIENT', diedOn: '2030-05-31' }), ...base];
    expect(planDisposal({ classes, disposalMonths: [], asOf: '2032-05-30', groups: dead, edges: [] })).toEqual([]);
    const items = planDisposal({ classes, disposalMonths: [], asOf: '2032-05-31', groups: dead, edges: [] });
    expect(items.map((i) => [i.recordType, i.retentionEndedOn])).toEqual([
      ['DOCUMENT', '2032-05-31'],
      ['RELATIONSHIP', '2032-05-31'],
    ]);
  });

  it('records without a unit wait for the last relationship of every task', () => {
    const classes = [rule({ retainMonths: 12 }), rule({ serviceTask: 'FAMILY_SERVICES', retainMonths: 360 })];
    const groups = [
      group({ recordType: 'CLIENT' }),
      group({ recordType: 'GUARDIAN' }),
      group({ recordType: 'RELATIONSHIP', serviceTask: 'CHILD_WELFARE', lastEndedOn: '2020-01-01' }),
      group({ recordType: 'RELATIONSHIP', serviceTask: 'FAMILY_SERVICES', lastEndedOn: '2019-01-01' }),
    ];
    const planned = planGroups({ classes, disposalMonths: [], asOf: '2030-01-01', groups, edges: [] });
    const guardian = planned.find((g) => g.recordType === 'GUARDIAN')!;
    expect(guardian.action).toBe('KEEP');
    expect(guardian.dueOn).toBe('2049-01-01');
    expect(planned.find((g) => g.serviceTask === 'CHILD_WELFARE')!.action).toBe('DELETE');
  });

  it('a record referred to by one that stays is kept; by one kept without identifiers, it is anonymised', () => {
    const classes = [rule({}), rule({ recordType: 'DECISION', retainMonths: 600 }), rule({ recordType: 'FINANCIAL', action: 'ANONYMISE' })];
    const groups = [
      group({ recordType: 'CLIENT' }),
      group({ recordType: 'RELATIONSHIP', lastEndedOn: '2000-01-01' }),
      group({ recordType: 'DECISION' }),
      group({ recordType: 'PLACEMENT', pristine: 0, lastEndedOn: '2000-01-01' }),
      group({ recordType: 'FINANCIAL', count: 2, pristine: 0 }),
      group({ recordType: 'COMMISSION', pristine: 0, lastEndedOn: '2000-01-01' }),
      group({ recordType: 'DOCUMENT' }),
    ];
    const edges: GroupEdge[] = [
      { clientId: 'c1', childTask: 'CHILD_WELFARE', childType: 'PLACEMENT', parentTask: 'CHILD_WELFARE', parentType: 'COMMISSION' },
      { clientId: 'c1', childTask: 'CHILD_WELFARE', childType: 'FINANCIAL', parentTask: 'CHILD_WELFARE', parentType: 'PLACEMENT' },
      { clientId: 'c1', childTask: 'CHILD_WELFARE', childType: 'DECISION', parentTask: 'CHILD_WELFARE', parentType: 'COMMISSION' },
    ];
    const planned = planGroups({ classes, disposalMonths: [], asOf: '2030-01-01', groups, edges });
    const action = (type: string) => planned.find((g) => g.recordType === type)!.action;
    expect(action('DECISION')).toBe('KEEP');
    expect(action('COMMISSION')).toBe('KEEP');
    expect(action('FINANCIAL')).toBe('ANONYMISE');
    expect(action('PLACEMENT')).toBe('ANONYMISE');
    expect(action('RELATIONSHIP')).toBe('DELETE');
    expect(action('DOCUMENT')).toBe('DELETE');
    // The client row is referred to by every record: the kept decision keeps it.
    expect(action('CLIENT')).toBe('KEEP');
    expect(planned.find((g) => g.recordType === 'PLACEMENT')!.reason).toMatch(/FINANCIAL of CHILD_WELFARE referring to it is kept without identifiers/);
    // Nothing left to clear in placements and commitments: no item for them.
    const items = planDisposal({ classes, disposalMonths: [], asOf: '2030-01-01', groups, edges });
    expect(items.map((i) => `${i.recordType}/${i.action}`)).toEqual(['DOCUMENT/DELETE', 'RELATIONSHIP/DELETE']);
  });
});
