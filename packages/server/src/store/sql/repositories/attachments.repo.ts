import { sql, type Selectable } from 'kysely';
import { avatarPath, type AttachmentKind, type AttachmentRow, type NewAttachment } from '../../attachment-types.ts';
import type { AttachmentRepository } from '../../store.ts';
import type { AttachmentsTable } from '../schema.ts';
import { SqlRepository } from './sql-repository.ts';

const toAttachment = (r: Selectable<AttachmentsTable>): AttachmentRow => ({ ...r, kind: r.kind as AttachmentKind, size: Number(r.size) });

/** An upload is in use while it is a room's cover or a user's avatar (avatar_url holds its path, see AVATAR_PATH). */
const IN_USE = sql<boolean>`(exists (select 1 from rooms where rooms.cover_attachment_id = attachments.id)
  or exists (select 1 from users where users.avatar_url = ${'/attachments/'} || cast(attachments.id as text) || ${'/avatar'}))`;

export class SqlAttachmentRepository extends SqlRepository implements AttachmentRepository {
  async insert(a: NewAttachment): Promise<AttachmentRow> {
    await this.db.insertInto('attachments').values(a).execute();
    return { ...a, room_id: null, message_id: null, position: null, posted_at: null };
  }

  async findById(id: string): Promise<AttachmentRow | undefined> {
    const r = await this.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toAttachment(r);
  }

  async findByIds(ids: string[]): Promise<AttachmentRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('attachments').selectAll().where('id', 'in', ids).execute();
    return rows.map(toAttachment);
  }

  async post(uploaderId: string, ids: string[], message: { id: string; room_id: string }, at: string): Promise<number> {
    let linked = 0;
    for (const [position, id] of ids.entries()) {
      const r = await this.db
        .updateTable('attachments')
        .set({ message_id: message.id, room_id: message.room_id, position, posted_at: at })
        .where('id', '=', id)
        .where('uploader_id', '=', uploaderId)
        .where('posted_at', 'is', null)
        .executeTakeFirst();
      linked += Number(r.numUpdatedRows);
    }
    return linked;
  }

  async forMessages(messageIds: string[]): Promise<AttachmentRow[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('attachments')
      .selectAll()
      .where('message_id', 'in', messageIds)
      .orderBy('message_id')
      .orderBy('position')
      .execute();
    return rows.map(toAttachment);
  }

  async bytesOf(uploaderId: string): Promise<number> {
    const r = await this.db
      .selectFrom('attachments')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.val(0)).as('bytes'))
      .where('uploader_id', '=', uploaderId)
      .executeTakeFirstOrThrow();
    return Number(r.bytes);
  }

  async deleteForMessage(messageId: string): Promise<AttachmentRow[]> {
    const rows = await this.db.deleteFrom('attachments').where('message_id', '=', messageId).returningAll().execute();
    return rows.map(toAttachment);
  }

  async delete(id: string): Promise<AttachmentRow | undefined> {
    const r = await this.db.deleteFrom('attachments').where('id', '=', id).returningAll().executeTakeFirst();
    return r && toAttachment(r);
  }

  async isAvatar(id: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('users')
      .select('id')
      .where('avatar_url', '=', avatarPath(id))
      .where('deactivated_at', 'is', null)
      .where('deleted_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  }

  async listExpired(unpostedBefore: string, limit: number): Promise<AttachmentRow[]> {
    const rows = await this.db
      .selectFrom('attachments')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('posted_at', 'is', null), eb('created_at', '<', unpostedBefore), eb.not(IN_USE)]),
          // Posted, but its message went with its room.
          eb.and([eb('posted_at', 'is not', null), eb('message_id', 'is', null)]),
        ]),
      )
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map(toAttachment);
  }
}
