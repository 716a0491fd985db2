import { finnishDateOf } from '@vartija/kit';
import { careDaysInput, correctionReason, recordInvoiceInput, recordRestrictionInput, updateDecisionInput, updatePlacementInput } from './record-input';

// Calendar days are Finnish days (kit finnish-date): "tomorrow" must be tomorrow in Finland at any UTC hour.
const day = (offset: number) => finnishDateOf(new Date(Date.now() + offset * 86_400_000));
const firstIssue = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.success ? null : { path: r.error!.issues[0]!.path.join('.'), message: r.error!.issues[0]!.message };

describe('services record input (issue 11)', () => {
  const restriction = { clientId: 'c', unitId: 'u', kind: 'ISOLATION', reason: 'Vaara itselle.', startsAt: new Date(Date.now() - 7_200_000), endsAt: new Date(Date.now() - 3_600_000) };

  it('a restriction always has a reason and a duration that ends after it starts', () => {
    expect(recordRestrictionInput.safeParse(restriction).success).toBe(true);
    expect(firstIssue(recordRestrictionInput.safeParse({ ...restriction, reason: ' ' }))?.path).toBe('reason');
    expect(firstIssue(recordRestrictionInput.safeParse({ ...restriction, endsAt: null }))?.path).toBe('endsAt');
    expect(firstIssue(recordRestrictionInput.safeParse({ ...restriction, endsAt: restriction.startsAt }))).toEqual({ path: 'endsAt', message: 'must be after startsAt' });
  });

  it('care days: costs of 0 or more, each day once, none in the future', () => {
    expect(careDaysInput.safeParse([{ day: day(-1), costCents: 0 }]).success).toBe(true);
    expect(firstIssue(careDaysInput.safeParse([{ day: day(-1), costCents: -5 }]))?.path).toBe('0.costCents');
    expect(firstIssue(careDaysInput.safeParse([{ day: day(-1), costCents: 1.5 }]))?.path).toBe('0.costCents');
    expect(firstIssue(careDaysInput.safeParse([{ day: day(1), costCents: 1 }]))?.path).toBe('0.day');
    expect(firstIssue(careDaysInput.safeParse([{ day: day(-1), costCents: 1 }, { day: day(-1), costCents: 2 }]))?.path).toBe('1.day');
    expect(firstIssue(careDaysInput.safeParse([]))?.path).toBe('');
  });

  it('an invoice period does not end before it starts', () => {
    const invoice = { paymentCommitmentId: 'p', periodStart: day(-30), periodEnd: day(-1), amountCents: 100 };
    expect(recordInvoiceInput.safeParse(invoice).success).toBe(true);
    expect(firstIssue(recordInvoiceInput.safeParse({ ...invoice, periodEnd: day(-31) }))?.path).toBe('periodEnd');
  });

  it('a correction names something to correct and why', () => {
    expect(firstIssue(updateDecisionInput.safeParse({}))?.message).toMatch(/at least one field/);
    expect(updateDecisionInput.safeParse({ content: 'Uusi.' }).success).toBe(true);
    expect(updatePlacementInput.safeParse({ endsOn: null }).success).toBe(true);
    expect(correctionReason.safeParse('').success).toBe(false);
    expect(correctionReason.safeParse('x'.repeat(1001)).success).toBe(false);
  });
});
