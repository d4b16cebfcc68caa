/** Events the app emits (contract §8); a subscription may also name `*` (SUBSCRIBABLE_EVENTS). */
export const WEBHOOK_EVENTS = [
  'project.created',
  'project.updated',
  'project.status_changed',
  'project.archived',
  'client.created',
  'client.updated',
  'task.created',
  'task.updated',
  'task.completed',
  'time_entry.created',
  'time_entry.updated',
  'time_entry.deleted',
  'timer.started',
  'timer.stopped',
  'timer.paused',
  'timer.resumed',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** Subscribes to every event, including ones added later. */
export const WILDCARD_EVENT = '*';

/** What a subscriber may list: the events and the wildcard, in the order `GET /webhooks/events` shows them. */
export const SUBSCRIBABLE_EVENTS = [...WEBHOOK_EVENTS, WILDCARD_EVENT] as const;

export const WEBHOOK_EVENT_DESCRIPTIONS: Record<(typeof SUBSCRIBABLE_EVENTS)[number], string> = {
  'project.created': 'A project was created',
  'project.updated': 'A project was changed',
  'project.status_changed': "A project's status changed",
  'project.archived': 'A project was archived',
  'client.created': 'A client was created',
  'client.updated': 'A client was changed',
  'task.created': 'A task was created',
  'task.updated': 'A task was changed',
  'task.completed': 'A task was moved to done',
  'time_entry.created': 'A time entry was created',
  'time_entry.updated': 'A time entry was changed',
  'time_entry.deleted': 'A time entry was deleted',
  'timer.started': 'A timer was started',
  'timer.stopped': 'A timer was stopped',
  'timer.paused': 'A timer was paused',
  'timer.resumed': 'A paused timer was resumed',
  '*': 'Every event, including ones added later',
};

export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes('*') || events.includes(type);
}

/**
 * Who may see each event. Time entries and timers belong to one user ('owner': only that user's
 * webhooks and admins' get them; a webhook must not show anyone what the API would not). Projects,
 * clients and tasks are shared by everyone in the instance ('shared'). A Record over every event
 * type: a new event does not compile until it says which it is.
 */
const EVENT_VISIBILITY: Record<WebhookEventType, 'shared' | 'owner'> = {
  'project.created': 'shared',
  'project.updated': 'shared',
  'project.status_changed': 'shared',
  'project.archived': 'shared',
  'client.created': 'shared',
  'client.updated': 'shared',
  'task.created': 'shared',
  'task.updated': 'shared',
  'task.completed': 'shared',
  'time_entry.created': 'owner',
  'time_entry.updated': 'owner',
  'time_entry.deleted': 'owner',
  'timer.started': 'owner',
  'timer.stopped': 'owner',
  'timer.paused': 'owner',
  'timer.resumed': 'owner',
};

/**
 * Whose event this is: null when every subscriber may get it, else the owning user's id (0 when
 * the payload names none: admins only). An unknown type (a row written by a newer version) is
 * treated as private.
 */
export function privateTo(type: string, payload: string): number | null {
  if (EVENT_VISIBILITY[type as WebhookEventType] === 'shared') return null;
  const owner = (JSON.parse(payload) as { data?: { user_id?: unknown } }).data?.user_id;
  return typeof owner === 'number' ? owner : 0;
}
