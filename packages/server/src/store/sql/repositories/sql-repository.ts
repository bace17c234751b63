import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';

/**
 * What every SQL repository holds: the Kysely handle it runs on — the pool, or the transaction
 * the store was opened in. (Parameter properties are not erasable TypeScript, hence this base.)
 */
export abstract class SqlRepository {
  protected readonly db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.db = db;
  }
}
