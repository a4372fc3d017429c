import type { Activity } from '@/shared/host/types';
import { clockTime } from './clock';

/** The last changes the live feed reported, newest first. */
export function ActivityList({ items }: { items: Activity[] }) {
  if (!items.length) return null;
  return (
    <details className="activity" data-testid="activity" open>
      <summary>
        recent changes <span className="count">{items.length}</span>
      </summary>
      <ul>
        {items.map((a, i) => (
          <li key={`${a.at}-${i}`}>
            <span className="muted">{clockTime(a.at)}</span> {a.text}
          </li>
        ))}
      </ul>
    </details>
  );
}
