import { parseTargets } from '../format.ts';
import type { ChatSession } from '../session.ts';

export interface Command {
  name: string;
  /** How to call it, shown by help and after a mistyped call. */
  usage: string;
  summary: string;
  run(s: ChatSession, args: string): Promise<void>;
}

/** The call did not match the usage line: it is printed instead. */
export class UsageError extends Error {}

/** A whole number within [min, max], or a UsageError. */
export function count(arg: string, min: number, max: number): number {
  if (!/^\d+$/.test(arg.trim())) throw new UsageError(arg);
  const n = Number(arg.trim());
  if (n < min || n > max) throw new UsageError(arg);
  return n;
}

/** Text after the command, or a UsageError when there is none. */
export function text(args: string): string {
  if (args.trim() === '') throw new UsageError('empty');
  return args.trim();
}

/** A command that takes no arguments: anything after it is a UsageError. */
export function none(args: string): void {
  if (args.trim() !== '') throw new UsageError(args);
}

/** USER or (USER1 USER2 ...) and nothing else (blacklist, whitelist), lower-cased. */
export function targetsOnly(args: string): string[] {
  const parsed = parseTargets(args.trim());
  if (!parsed || parsed.rest !== '') throw new UsageError(args);
  return parsed.targets;
}
