import type { Activity } from '@/server/host/types';

/** The last changes the live feed reported, newest first. */
export function ActivityList({ items }: { items: Activity[] }) {
  if (!items.length) return null;
  return (
    <section className="activity" data-testid="activity">
      <h3>recent changes</h3>
      <ul>
        {items.map((a, i) => (
          <li key={`${a.at}-${i}`}><span className="muted">{new Date(a.at).toLocaleTimeString()}</span> {a.text}</li>
        ))}
      </ul>
    </section>
  );
}
