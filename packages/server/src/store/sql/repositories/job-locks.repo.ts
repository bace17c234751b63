import type { JobLockRepository } from '../../store.ts';
import { SqlRepository } from './sql-repository.ts';

export class SqlJobLockRepository extends SqlRepository implements JobLockRepository {
  async tryAcquire(name: string, holder: string, now: string, ttlMs: number): Promise<boolean> {
    const expiresAt = new Date(Date.parse(now) + ttlMs).toISOString();
    // One statement: insert, or take over only if the lock is ours or has expired.
    const r = await this.db
      .insertInto('job_locks')
      .values({ name, holder, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expires_at: expiresAt })
          .where((eb) => eb.or([eb('job_locks.holder', '=', holder), eb('job_locks.expires_at', '<=', now)])),
      )
      .returning('holder')
      .executeTakeFirst();
    return r?.holder === holder;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('job_locks').where('name', '=', name).where('holder', '=', holder).execute();
  }
}
