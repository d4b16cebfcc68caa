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
