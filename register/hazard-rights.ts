import { type Actor, HAZARD_ACTIONS, type HazardAction, type HazardRow, type HazardState } from './hazard.ts'

// Who may make which step, from which state (docs/register.md "Who may do what"). Seeing the
// building is checked before (a manager's foreign building is a 404, as for alerts); these rules
// decide between the step (200), a role that may not (403) and a state that does not allow it (409).

const FROM: Record<HazardAction, readonly HazardState[]> = {
  assign: ['reported', 'assigned', 'rectifying', 'reopened'],
  start: ['assigned'],
  submit: ['rectifying'],
  verify: ['awaiting_verification'],
  reject: ['awaiting_verification'],
  reopen: ['closed'],
  escalate: ['reported', 'assigned', 'rectifying', 'awaiting_verification', 'reopened'],
}

/**
 * The unit (its manager) rectifies; the brigade inspects, supervises and verifies; an admin may do
 * everything. Reopening a closed hazard and putting one under supervision are the supervisors'.
 */
const ROLES: Record<HazardAction, readonly Actor['role'][]> = {
  assign: ['manager', 'admin', 'brigade'],
  start: ['manager', 'admin'],
  submit: ['manager', 'admin'],
  verify: ['manager', 'admin', 'brigade'],
  reject: ['manager', 'admin', 'brigade'],
  reopen: ['admin', 'brigade'],
  escalate: ['admin', 'brigade'],
}

/** The state after the step; assignment keeps a hazard that is already in progress where it is. */
export function nextState(action: HazardAction, from: HazardState): HazardState {
  switch (action) {
    case 'assign':
      return from === 'reported' || from === 'reopened' ? 'assigned' : from
    case 'start':
    case 'reject':
      return 'rectifying'
    case 'submit':
      return 'awaiting_verification'
    case 'verify':
      return 'closed'
    case 'reopen':
      return 'reopened'
    case 'escalate':
      return from
  }
}

export type Verdict = 'ok' | 'forbidden' | 'state' | 'self'

/**
 * Whether the actor may take the step now. `tokensOf(contact)` names the API tokens of a contact:
 * the responsible person's own token, and the token that reported the rectification done, may not
 * verify it (four eyes). A hazard under supervision is lifted (closed) by its supervisors only.
 */
export function verdict(
  actor: Actor,
  row: HazardRow,
  action: HazardAction,
  tokensOf: (contact: string) => readonly string[],
): Verdict {
  if (!ROLES[action].includes(actor.role)) return 'forbidden'
  if (action === 'verify' && actor.role === 'manager' && row.escalated_at !== null) return 'forbidden'
  if (!FROM[action].includes(row.state)) return 'state'
  if (action === 'escalate' && row.escalated_at !== null) return 'state'
  if (action === 'verify') {
    const own = row.responsible_contact ? tokensOf(row.responsible_contact) : []
    if (actor.name === row.submitted_by || own.includes(actor.name)) return 'self'
  }
  return 'ok'
}

/** The steps the actor may take now (the wall shows these buttons). */
export function allowedActions(
  actor: Actor,
  row: HazardRow,
  tokensOf: (contact: string) => readonly string[],
): HazardAction[] {
  return HAZARD_ACTIONS.filter((a) => verdict(actor, row, a, tokensOf) === 'ok')
}
