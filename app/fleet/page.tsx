import FleetPage from '@/components/fleet/FleetPage';

export const dynamic = 'force-dynamic';

export default function Page() {
  return <FleetPage />;
}
