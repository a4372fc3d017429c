// The planner for every op (server side; the ops' schemas and texts are in ./table.ts, client-safe). Typed
// against that table: an op there without a planner here does not compile.
import type { Planners } from '../plan';
import { planNetnsAdd, planNetnsDel } from './netns';
import { planLinkAdd } from './link-add';
import { planLinkDel, planLinkSet } from './link';
import { planAddrAdd, planAddrDel } from './addr';
import { planRouteAdd, planRouteDel } from './route';
import { planSriovNumVfs, planSriovVf } from './sriov';

export const PLANNERS: Planners = {
  'netns.add': planNetnsAdd,
  'netns.del': planNetnsDel,
  'link.add': planLinkAdd,
  'link.del': planLinkDel,
  'link.set': planLinkSet,
  'addr.add': planAddrAdd,
  'addr.del': planAddrDel,
  'route.add': planRouteAdd,
  'route.del': planRouteDel,
  'sriov.numvfs': planSriovNumVfs,
  'sriov.vf': planSriovVf,
};
