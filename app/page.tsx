import Dashboard from '@/components/Dashboard';

export const dynamic = 'force-dynamic';

export default function Page() {
  return <Dashboard />;
}
