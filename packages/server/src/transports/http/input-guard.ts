import { isStorable } from '@rooms/protocol';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.ts';

const MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/**
 * preValidation hook of every route: a NUL or a lone surrogate in any string of the path
 * parameters, the query or the JSON body (object keys included) is a 400 validation_failed, whether
 * or not a schema reads that string. The schemas refuse them too (isStorable); this guard covers
 * the strings no schema names, so none reaches a query (PostgreSQL fails on NUL) or storage.
 */
export async function refuseUnstorableStrings(req: FastifyRequest): Promise<void> {
  const parts = [
    ['params', req.params],
    ['querystring', req.query],
    ['body', req.body],
  ] as const;
  for (const [where, value] of parts) {
    const path = firstUnstorable(value);
    if (path !== undefined) {
      const field = [where, ...path].join('.');
      throw new DomainError('validation_failed', `Invalid ${where}: ${field} ${MESSAGE}`, { details: [{ field, message: MESSAGE }] });
    }
  }
}

interface Node {
  value: unknown;
  key?: string;
  parent?: Node;
}

/** The path of the first unstorable string (value or key). Iterative, with parent links: a deeply nested body neither overflows the stack nor copies paths. */
function firstUnstorable(root: unknown): string[] | undefined {
  const stack: Node[] = [{ value: root }];
  const pathOf = (n: Node | undefined, last?: string): string[] => {
    const out = last === undefined ? [] : [last];
    for (let at = n; at?.key !== undefined; at = at.parent) out.unshift(at.key);
    return out;
  };
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      if (!isStorable(v)) return pathOf(node);
    } else if (Array.isArray(v)) {
      v.forEach((item: unknown, i) => stack.push({ value: item, key: String(i), parent: node }));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        // The key is echoed in the answer: escaped, so the error itself stays storable.
        if (!isStorable(k)) return pathOf(node, JSON.stringify(k));
        stack.push({ value: item, key: k, parent: node });
      }
    }
  }
  return undefined;
}
