// sriov.numvfs / sriov.vf: their schemas and what they do, for the UI (the planner is ./sriov.ts).
import { z } from 'zod';
import { IfName, macProblem, NsRef, ruled } from '../fields';
import { VLAN_PROTOCOLS } from './link.schema';
import type { OpSpec } from './spec';

// SR-IOV (issue 5). The PF is named like any link (ns + dev); its VFs by index.

/** The PCI SR-IOV capability counts VFs in 16 bits. */
export const MAX_NUMVFS = 65535;
export const VF_LINK_STATES = ['auto', 'enable', 'disable'] as const;

/** A VF's MAC: unicast, or all zeros, which is how a VF's MAC is cleared (and how `ip` shows "not set"). */
export function vfMacProblem(v: string): string | null {
  if (/^(00:){5}00$/.test(v)) return null;
  const p = macProblem(v, true);
  return p ? `${p} (00:00:00:00:00:00 clears a VF's MAC)` : null;
}
export const VfMac = ruled(vfMacProblem, "unicast MAC address, or 00:00:00:00:00:00 to clear the VF's MAC");

const TxRate = z
  .number()
  .int('a TX rate must be a whole number of Mb/s')
  .min(0, 'a TX rate must be 0–4294967295 Mb/s (0 = no limit)')
  .max(4294967295, 'a TX rate must be 0–4294967295 Mb/s (0 = no limit)')
  .describe('Mb/s; 0 = no limit');

export const SriovNumVfs = z
  .object({
    op: z.literal('sriov.numvfs'),
    ns: NsRef.optional(),
    /** the PF */
    dev: IfName,
    numVfs: z
      .number()
      .int('numVfs must be a whole number')
      .min(0, `numVfs must be 0–${MAX_NUMVFS}`)
      .max(MAX_NUMVFS, `numVfs must be 0–${MAX_NUMVFS}`)
      .describe("VFs to enable (written to the PF device's sriov_numvfs); 0 removes them all"),
  })
  .strict();

export const VfVlan = z
  .object({
    /** 0 removes the VF's VLAN */
    id: z
      .number()
      .int('VLAN id must be a whole number')
      .min(0, 'VLAN id must be 0–4095 (0 removes the VLAN)')
      .max(4095, 'VLAN id must be 0–4095 (0 removes the VLAN)'),
    qos: z
      .number()
      .int('QoS must be a whole number')
      .min(0, 'QoS (802.1p priority) must be 0–7')
      .max(7, 'QoS (802.1p priority) must be 0–7')
      .optional(),
    proto: z.enum(VLAN_PROTOCOLS, 'proto must be 802.1Q or 802.1ad').optional(),
  })
  .strict();

export const SriovVf = z
  .object({
    op: z.literal('sriov.vf'),
    ns: NsRef.optional(),
    /** the PF */
    dev: IfName,
    /** the VF's index on that PF */
    vf: z
      .number()
      .int('vf must be a whole number')
      .min(0, `vf must be 0–${MAX_NUMVFS - 1}`)
      .max(MAX_NUMVFS - 1, `vf must be 0–${MAX_NUMVFS - 1}`),
    mac: VfMac.optional(),
    vlan: VfVlan.optional(),
    maxTxRate: TxRate.optional(),
    minTxRate: TxRate.optional(),
    spoofchk: z.boolean().optional(),
    trust: z.boolean().optional(),
    state: z.enum(VF_LINK_STATES, 'state must be auto, enable or disable').optional(),
    queryRss: z.boolean().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const changes = ['mac', 'vlan', 'maxTxRate', 'minTxRate', 'spoofchk', 'trust', 'state', 'queryRss'] as const;
    if (!changes.some((k) => v[k] !== undefined))
      ctx.addIssue({ code: 'custom', path: ['vf'], message: `nothing to change: give one of ${changes.join(', ')}` });
    if (v.maxTxRate && v.minTxRate && v.minTxRate > v.maxTxRate)
      ctx.addIssue({
        code: 'custom',
        path: ['minTxRate'],
        message: `minTxRate ${v.minTxRate} must not exceed maxTxRate ${v.maxTxRate} (0 = no limit)`,
      });
  });

export const SRIOV_NUMVFS: OpSpec<typeof SriovNumVfs> = {
  schema: SriovNumVfs,
  info: {
    title: 'Set number of VFs',
    description:
      "writes the PF device's sriov_numvfs (sysfs; the script shows echo N > …/sriov_numvfs). From one non-zero count to another the kernel needs 0 first (EBUSY otherwise): the plan writes 0, which removes the existing VFs and everything set on them. Refused above sriov_totalvfs when the device reports it.",
    undo: "the old count written back (through 0); the removed VFs' settings are not restored (most drivers reset them)",
    guarded: 'removing VFs whose netdevs exist (they vanish with the VFs)',
  },
  nsRefs: (e) => [e.ns],
};

export const SRIOV_VF: OpSpec<typeof SriovVf> = {
  schema: SriovVf,
  info: {
    title: 'Change VF',
    description:
      'ip link set dev PF vf N mac … | vlan ID qos Q proto P | max_tx_rate/min_tx_rate (Mb/s) | spoofchk | trust | state | query_rss — one command per setting',
    undo: "each setting back to the VF's value in the snapshot",
    guarded: "MAC, VLAN or state disable of a VF whose netdev carries the host's default route",
  },
  nsRefs: (e) => [e.ns],
};
