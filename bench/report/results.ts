/** The shape of one bench run's results (written as JSON, read by the report). */
import type { machine } from '../lib/proc.ts';
import type { S1Grid } from '../scenarios/s1-fanout.ts';
import type { S2Result } from '../scenarios/s2-latency.ts';
import type { S3Result } from '../scenarios/s3-idle.ts';
import type { S4Result } from '../scenarios/s4-reconnect.ts';
import type { S5Db } from '../scenarios/s5-storage.ts';

export interface Results {
  mode: 'quick' | 'full';
  startedAt: string;
  seconds: number;
  machine: ReturnType<typeof machine>;
  settings: {
    targets: string[];
    pinning: string;
    rateLimit: number;
    addons: string;
    roomsDatabase: string;
    loadAvgStart: number;
    loadAvgEnd: number;
  };
  s1?: S1Grid[];
  s2?: S2Result;
  s3?: S3Result;
  s4?: S4Result;
  s5?: S5Db[];
  /** Scenarios that failed to run, with the error. */
  errors: Record<string, string>;
}

export interface Table {
  title: string;
  header: string[];
  rows: string[][];
  notes: string[];
  /** The chart drawn for it, if any. */
  chart?: string;
}

/** A goal from the issue and whether this run met it. */
export interface Goal {
  scenario: string;
  goal: string;
  measured: string;
  met: boolean | undefined;
}
