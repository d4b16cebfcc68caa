/** Events a webhook can subscribe to (contract §8), plus `*`. */
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
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes('*') || events.includes(type);
}

/**
 * Whose event this is. Time entries and timers belong to one user: their events go only to that
 * user's webhooks and to admins' (a webhook must not show anyone what the API would not). Projects,
 * clients and tasks are shared by everyone in the instance: null, every subscriber gets them.
 */
export function privateTo(type: string, payload: string): number | null {
  if (!type.startsWith('time_entry.') && !type.startsWith('timer.')) return null;
  const owner = (JSON.parse(payload) as { data?: { user_id?: unknown } }).data?.user_id;
  // No owner in the payload: only admins may see it.
  return typeof owner === 'number' ? owner : 0;
}
