'use client';
// The live plan, one code path for every place that applies edits (a form's dialog, the draft): the
// edits as they stand are planned (a dry run: the server validates and plans; nothing runs) whenever
// they change — no Preview click — and Apply runs exactly the plan shown: it plans once more, and when
// the host changed so that the plan differs, shows the new one and runs nothing until Apply is clicked again.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Edit } from '@/shared/edits/schema';
import { applyEdits, callError, previewEdits, type Applied, type CallError, type Preview } from './api';
import { samePlan } from './planMatch';

export interface ShownPlan {
  /** the edits it is the plan of, and their JSON (to tell whether it is still the plan of the edits as they stand) */
  edits: Edit[];
  key: string;
  preview: Preview;
}

export type ApplyOutcome = { applied: Applied } | { stale: true } | { refused: CallError };

export interface LivePlan {
  /** the plan on screen (null: none yet, or the edits are refused) */
  shown: ShownPlan | null;
  /** shown is the plan of the edits as they stand now (false while they are being planned again) */
  current: boolean;
  /** the server refused the edits as they stand: zod issues naming fields, a planner error, … */
  error: CallError | null;
  planning: boolean;
  /** the last Apply found the host changed: the plan shown is the new one, not yet applied */
  stale: boolean;
  /** plan the edits again now */
  replan: () => void;
  /** plan again; when the same as shown, apply it; when not, show the new plan and run nothing */
  apply: (force: boolean, checkpoint?: { seconds: number }) => Promise<ApplyOutcome>;
}

/**
 * @param edits the edits as they stand (null or empty: nothing to plan)
 * @param delayMs wait this long after the last change before planning (typing in a field)
 */
export function usePlan(edits: Edit[] | null, delayMs = 0): LivePlan {
  const key = edits && edits.length ? JSON.stringify(edits) : '';
  const [shown, setShown] = useState<ShownPlan | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const [planning, setPlanning] = useState(() => key !== '');
  const [stale, setStale] = useState(false);
  const seq = useRef(0);
  const editsRef = useRef(edits);
  const shownRef = useRef(shown);
  // the latest edits and plan for the callbacks below (updated after each render, before the effects that plan)
  useEffect(() => {
    editsRef.current = edits;
    shownRef.current = shown;
  });

  // new edits: what is shown is no longer current (adjusted while rendering, not in an effect)
  const [prevKey, setPrevKey] = useState(key);
  if (key !== prevKey) {
    setPrevKey(key);
    setStale(false);
    if (!key) {
      setShown(null);
      setError(null);
      setPlanning(false);
    } else setPlanning(true);
  }

  const plan = useCallback(async (): Promise<void> => {
    const e = editsRef.current;
    const mine = ++seq.current;
    if (!e || !e.length) {
      setShown(null);
      setError(null);
      setPlanning(false);
      return;
    }
    setPlanning(true);
    try {
      const r = await previewEdits(e);
      if (mine !== seq.current) return;
      setShown({ edits: e, key: JSON.stringify(e), preview: r });
      setError(null);
    } catch (err) {
      if (mine !== seq.current) return;
      setShown(null);
      setError(callError(err));
    } finally {
      if (mine === seq.current) setPlanning(false);
    }
  }, []);

  useEffect(() => {
    if (!key) {
      seq.current++; // an answer still on its way is for edits that are gone
      return;
    }
    if (delayMs <= 0) {
      void plan();
      return;
    }
    const t = setTimeout(() => void plan(), delayMs);
    return () => clearTimeout(t);
  }, [key, plan, delayMs]);

  const replan = useCallback(() => {
    setStale(false);
    void plan();
  }, [plan]);

  const apply = useCallback(async (force: boolean, checkpoint?: { seconds: number }): Promise<ApplyOutcome> => {
    const s = shownRef.current;
    if (!s) return { refused: { code: null, message: 'there is no plan to apply', issues: [] } };
    const mine = ++seq.current; // a plan still on its way is of older edits, or the same: this one wins
    setPlanning(false);
    let fresh: Preview;
    try {
      fresh = await previewEdits(s.edits);
    } catch (err) {
      // the host changed so that the edits no longer plan at all: say why, offer nothing to apply
      const ce = callError(err);
      if (mine === seq.current) {
        setShown(null);
        setError(ce);
        setStale(true);
      }
      return { refused: ce };
    }
    if (!samePlan(fresh.plan, s.preview.plan)) {
      if (mine === seq.current) {
        setShown({ ...s, preview: fresh });
        setStale(true);
      }
      return { stale: true };
    }
    setStale(false);
    try {
      // the server plans once more under its lock and runs nothing unless it is still this plan
      return { applied: await applyEdits(s.edits, force, checkpoint, fresh.planId) };
    } catch (err) {
      const ce = callError(err);
      if (ce.code === 'CONFLICT' && /changed since this plan was shown/.test(ce.message)) {
        // the host changed in the moment between: show what it would do now, and wait for another click
        const now = await previewEdits(s.edits).catch(() => null);
        if (mine === seq.current) {
          if (now) setShown({ ...s, preview: now });
          else setShown(null);
          setStale(true);
        }
        return { stale: true };
      }
      return { refused: ce };
    }
  }, []);

  return { shown, current: shown !== null && shown.key === key, error, planning, stale, replan, apply };
}
