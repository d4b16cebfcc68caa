import { privateTo, WEBHOOK_EVENTS } from './webhook-events';

describe('privateTo', () => {
  const payload = (data: unknown) => JSON.stringify({ event: 'x', data });

  it('shares project, client and task events with every subscriber', () => {
    for (const type of ['project.created', 'client.updated', 'task.completed']) {
      expect(privateTo(type, payload({ id: 1, user_id: 7 }))).toBeNull();
    }
  });

  it("keeps time entry and timer events to their owner's webhooks", () => {
    for (const type of WEBHOOK_EVENTS.filter((t) => t.startsWith('time_entry.') || t.startsWith('timer.'))) {
      expect(privateTo(type, payload({ id: 1, user_id: 7 }))).toBe(7);
    }
  });

  it('treats an owned event without an owner, and an unknown event type, as admins-only', () => {
    expect(privateTo('time_entry.created', payload({ id: 1 }))).toBe(0);
    expect(privateTo('expense.created', payload({ id: 1, user_id: 7 }))).toBe(7);
    expect(privateTo('expense.created', payload({ id: 1 }))).toBe(0);
  });
});
