import { redirect } from 'next/navigation';
import Dashboard from '@/components/Dashboard';

export const dynamic = 'force-dynamic';

export default function Page() {
  // a hub (--agents / --kubernetes) shows its fleet first; this host's own graph is not what it is for
  if (process.env.LINKSCAPE_AGENTS || process.env.LINKSCAPE_KUBERNETES === '1') redirect('/fleet');
  return <Dashboard />;
}
